"""Native reference for `npm run bench`: the presets' training step in numpy.

The same step as the trainer: forward, summed cross-entropy, backward, plain SGD update, on a
batch of 100 (float32). Prints one JSON line: {"numpy": version, "presets": {name: ms/step}}.
Run it at its best, one OpenBLAS thread with the core-type overrides unset:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 python3 bench/native_step.py
"""

import json
import statistics
import sys
import time

try:
    import numpy as np
except ImportError:  # the bench reports "numpy missing" and carries on
    print(json.dumps({"error": "numpy is not installed"}))
    sys.exit(0)

BATCH, LR = 100, 0.001
rng = np.random.default_rng(1)
x = rng.random((BATCH, 784), dtype=np.float32)
y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, BATCH)]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def beginner():
    w = np.zeros((784, 10), np.float32)
    b = np.zeros(10, np.float32)

    def step():
        nonlocal w, b
        p = softmax(x @ w + b)
        loss = -np.sum(y * np.log(np.clip(p, 1e-7, 1)))
        g = p - y  # d(summed CE)/d(logits) through the softmax
        w -= LR * (x.T @ g)
        b -= LR * g.sum(axis=0)
        return loss

    return step


def hidden_layer():
    w1 = (rng.standard_normal((784, 625)) * 0.05).astype(np.float32)
    b1 = np.zeros(625, np.float32)
    w2 = (rng.standard_normal((625, 10)) * 0.05).astype(np.float32)
    b2 = np.zeros(10, np.float32)

    def step():
        nonlocal w1, b1, w2, b2
        h = 1 / (1 + np.exp(-(x @ w1 + b1)))
        p = softmax(h @ w2 + b2)
        loss = -np.sum(y * np.log(np.clip(p, 1e-7, 1)))
        g2 = p - y
        dw2 = h.T @ g2
        g1 = (g2 @ w2.T) * h * (1 - h)
        w2 -= LR * dw2
        b2 -= LR * g2.sum(axis=0)
        w1 -= LR * (x.T @ g1)
        b1 -= LR * g1.sum(axis=0)
        return loss

    return step


def median_ms(step, warmup=50, repeats=5, steps=200):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - t) * 1000 / steps)
    return statistics.median(times)


print(
    json.dumps(
        {
            "numpy": np.__version__,
            "presets": {"beginner": median_ms(beginner()), "hidden-layer": median_ms(hidden_layer())},
        }
    )
)
