"""TensorFlow reference for the CNN rows of `npm run bench`: one training step on 1 CPU thread.

The bench's CNNs, the presets graphs/cnn.json and graphs/deep-mnist.json (`bench/conv/convModels.ts`), trained with Adam on
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


def cnn():
    """graphs/cnn.json: 5x5x32 valid -> pool -> 5x5x64 valid -> pool -> 128 -> dropout 0.5 -> 10."""
    return tf.keras.Sequential(
        [
            tf.keras.Input((28, 28, 1)),
            L.Conv2D(32, 5, activation="relu"),
            L.MaxPooling2D(2),
            L.Conv2D(64, 5, activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )


def deep_mnist():
    """graphs/deep-mnist.json, TensorFlow's Deep MNIST: 5x5x32 same -> pool -> 5x5x64 same -> pool
    -> 1024 -> dropout 0.5 -> 10."""
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


# builder, batch, Adam's learning rate and epsilon (the presets' settings), (warm-up steps, timed
# runs, steps per run) as in bench/conv/convTiming.ts
MODELS = {
    "cnn": (cnn, 100, 1e-3, 1e-7, (5, 5, 20)),
    "deep-mnist": (deep_mnist, 50, 1e-4, 1e-8, (5, 5, 10)),
}


def time_model(build, batch, lr, epsilon, plan):
    warmup, repeats, steps = plan
    model = build()
    opt = tf.keras.optimizers.Adam(lr, epsilon=epsilon)
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
    out = {name: time_model(*spec) for name, spec in MODELS.items()}
    print(json.dumps({"tensorflow": tf.__version__, "msPerStep": out}))


main()
