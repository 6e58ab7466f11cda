"""Native reference for `npm run bench`: the presets' training step in numpy.

The same step as the trainer: forward, summed cross-entropy, backward, then the plain SGD update
(the presets' optimizer) or Adam with tfjs's formulas (bias correction from accumulated beta
powers, epsilon added to the corrected root), on a batch of 100 (float32). Prints one JSON line:
{"numpy": version, "presets": {name: ms/step}, "adam": {name: ms/step}}.
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


def sgd(params):
    def update(grads):
        for w, g in zip(params, grads):
            w -= LR * g

    return update


def adam(params, beta1=0.9, beta2=0.999, eps=1e-7):
    """tfjs's Adam: m, v per weight; beta powers start at beta and are multiplied once per step.

    In place, into two scratch arrays per weight: written as plain expressions, each step makes
    five fresh temporaries the size of the weights (2 MB each for hidden-layer's W1), and the
    page faults of those allocations, not the arithmetic, dominated the time (11.3 ms against
    ~4 ms in place), which flattered the kernels' ratio.
    """
    m = [np.zeros_like(w) for w in params]
    v = [np.zeros_like(w) for w in params]
    scratch = [(np.empty_like(w), np.empty_like(w)) for w in params]
    powers = [np.float32(beta1), np.float32(beta2)]
    b1, b2 = np.float32(beta1), np.float32(beta2)
    o1, o2 = np.float32(1 - beta1), np.float32(1 - beta2)
    lr, e = np.float32(LR), np.float32(eps)

    def update(grads):
        c1, c2 = np.float32(1) - powers[0], np.float32(1) - powers[1]
        for w, g, mi, vi, (t, u) in zip(params, grads, m, v, scratch):
            mi *= b1
            np.multiply(g, o1, out=t)
            mi += t
            vi *= b2
            np.square(g, out=t)
            t *= o2
            vi += t
            np.divide(vi, c2, out=t)
            np.sqrt(t, out=t)
            t += e
            np.divide(mi, c1, out=u)
            u /= t
            u *= lr
            w -= u
        powers[0] *= b1
        powers[1] *= b2

    return update


def beginner(optimizer):
    w = np.zeros((784, 10), np.float32)
    b = np.zeros(10, np.float32)
    update = optimizer([w, b])

    def step():
        p = softmax(x @ w + b)
        loss = -np.sum(y * np.log(np.clip(p, 1e-7, 1)))
        g = p - y  # d(summed CE)/d(logits) through the softmax
        update([x.T @ g, g.sum(axis=0)])
        return loss

    return step


def hidden_layer(optimizer):
    w1 = (rng.standard_normal((784, 625)) * 0.05).astype(np.float32)
    b1 = np.zeros(625, np.float32)
    w2 = (rng.standard_normal((625, 10)) * 0.05).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    update = optimizer([w1, b1, w2, b2])

    def step():
        h = 1 / (1 + np.exp(-(x @ w1 + b1)))
        p = softmax(h @ w2 + b2)
        loss = -np.sum(y * np.log(np.clip(p, 1e-7, 1)))
        g2 = p - y
        dw2 = h.T @ g2
        g1 = (g2 @ w2.T) * h * (1 - h)
        update([x.T @ g1, g1.sum(axis=0), dw2, g2.sum(axis=0)])
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
            "presets": {"beginner": median_ms(beginner(sgd)), "hidden-layer": median_ms(hidden_layer(sgd))},
            "adam": {"beginner": median_ms(beginner(adam)), "hidden-layer": median_ms(hidden_layer(adam))},
        }
    )
)
