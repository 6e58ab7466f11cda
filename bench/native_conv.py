"""TensorFlow reference for the CNN rows of `npm run bench`: one training step on 1 CPU thread.

The bench's CNNs (`bench/convModels.ts` builds the same ones in tfjs), trained with Adam on
random float32 images of 28x28x1 and one-hot labels through a `tf.function` step (forward,
cross-entropy, gradients, Adam update), timed as the median of repeated runs after a warm-up.
Intra- and inter-op parallelism are set to 1 thread. Prints one JSON line:
{"tensorflow": version, "msPerStep": {model: ms/step}} or {"error": why}.
  /path/to/venv/bin/python bench/native_conv.py
"""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
try:
    import tensorflow as tf
except ImportError:
    print(json.dumps({"error": "TensorFlow is not installed for this Python"}))
    sys.exit(0)

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
L = tf.keras.layers


def small_cnn():
    """conv 5x5x8 -> maxpool 2 -> conv 5x5x16 -> maxpool 2 -> dense 10 (valid padding)."""
    return tf.keras.Sequential(
        [
            tf.keras.Input((28, 28, 1)),
            L.Conv2D(8, 5, activation="relu"),
            L.MaxPooling2D(2),
            L.Conv2D(16, 5, activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(10, activation="softmax"),
        ]
    )


def deep_mnist():
    """TensorFlow's Deep MNIST: 5x5x32 same -> pool -> 5x5x64 same -> pool -> 1024 -> dropout 0.5 -> 10."""
    return tf.keras.Sequential(
        [
            tf.keras.Input((28, 28, 1)),
            L.Conv2D(32, 5, padding="same", activation="relu"),
            L.MaxPooling2D(2),
            L.Conv2D(64, 5, padding="same", activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(1024, activation="relu"),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )


# builder, batch, Adam's learning rate, (warm-up steps, timed runs, steps per run) as in
# bench/conv/convTiming.ts
MODELS = {
    "small-cnn": (small_cnn, 64, 1e-3, (10, 5, 30)),
    "deep-mnist": (deep_mnist, 50, 1e-4, (3, 3, 8)),
}


def time_model(build, batch, lr, plan):
    warmup, repeats, steps = plan
    model = build()
    opt = tf.keras.optimizers.Adam(lr, epsilon=1e-7)
    loss_fn = tf.keras.losses.CategoricalCrossentropy()
    rng = tf.random.Generator.from_seed(1)
    x = rng.uniform((batch, 28, 28, 1))
    y = tf.one_hot(rng.uniform((batch,), 0, 10, dtype=tf.int32), 10)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for _ in range(warmup):
        step().numpy()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = step()
        loss.numpy()
        times.append((time.perf_counter() - t0) * 1000 / steps)
    return statistics.median(times)


def main():
    out = {name: time_model(build, batch, lr, plan) for name, (build, batch, lr, plan) in MODELS.items()}
    print(json.dumps({"tensorflow": tf.__version__, "msPerStep": out}))


main()
