"""TensorFlow reference for the CNN rows of `npm run bench`: one training step on 1 CPU thread.

The bench's CNNs, the presets graphs/cnn.json and graphs/deep-mnist.json (`bench/conv/convModels.ts`),
built here from the preset files themselves (so the two can never differ), trained with Adam on
random float32 images (28x28x1, or 784 values where the preset reshapes them) and one-hot labels through a `tf.function` step (forward,
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
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def chain(doc):
    """The preset's nodes from the input to the loss, following its edges (the CNN presets are chains)."""
    by_id = {n["id"]: n for n in doc["nodes"]}
    after = {e["from"]["node"]: e["to"]["node"] for e in doc["edges"]}
    node = next(n for n in doc["nodes"] if n["type"] == "input")
    out = []
    while node is not None:
        out.append(node)
        node = by_id.get(after.get(node["id"]))
    return out


def layer(node):
    """The Keras layer of one Tensorweave node (the types the CNN presets use)."""
    t, p = node["type"], node.get("params", {})
    if t == "conv2d":
        return L.Conv2D(p["filters"], p["kernelSize"], strides=p.get("strides", 1), padding=p.get("padding", "valid"))
    if t == "maxPool2d":
        return L.MaxPooling2D(p["poolSize"], strides=p.get("strides"), padding=p.get("padding", "valid"))
    if t == "reshape":
        return L.Reshape((p["height"], p["width"], p["channels"]))
    if t == "flatten":
        return L.Flatten()
    if t == "dense":
        return L.Dense(p["units"])
    if t == "dropout":
        return L.Dropout(p["rate"])
    if t in ("relu", "softmax", "sigmoid", "tanh"):
        return L.Activation(t)
    raise ValueError(f"native_conv.py: node {node['id']} has type {t}, which this script does not build")


def from_preset(name):
    """The network, batch, learning rate and Adam epsilon of graphs/<name>.json."""
    with open(os.path.join(ROOT, "graphs", f"{name}.json"), encoding="utf8") as f:
        doc = json.load(f)
    nodes = chain(doc)
    image = nodes[0].get("params", {}).get("layout") == "image"
    layers = [tf.keras.Input((28, 28, 1) if image else (784,))]
    layers += [layer(n) for n in nodes[1:] if n["type"] != "loss"]
    training = doc["training"]
    return (
        lambda: tf.keras.Sequential(layers),
        training["batchSize"],
        training["learningRate"],
        training["optimizer"].get("epsilon", 1e-7),
    )


# Warm-up steps, timed runs, steps per run, as in bench/conv/convTiming.ts.
PLANS = {"cnn": (5, 5, 20), "deep-mnist": (5, 5, 10)}


def time_model(build, batch, lr, epsilon, plan):
    warmup, repeats, steps = plan
    model = build()
    opt = tf.keras.optimizers.Adam(lr, epsilon=epsilon)
    loss_fn = tf.keras.losses.CategoricalCrossentropy()
    rng = tf.random.Generator.from_seed(1)
    x = rng.uniform((batch,) + tuple(model.input_shape[1:]))  # 28x28x1, or 784 before a Reshape
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
    out = {name: time_model(*from_preset(name), plan) for name, plan in PLANS.items()}
    print(json.dumps({"tensorflow": tf.__version__, "msPerStep": out}))


main()
