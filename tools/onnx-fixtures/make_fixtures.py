"""ONNX importer fixtures: models plus onnxruntime goldens (see make-fixtures).

Writes into --out:
  fer-tf2onnx.onnx            tf2onnx export (opset 13) of the Keras model, checked against Keras itself
  ops-opset{10,11,13,18,21}.onnx  one helper-API graph covering every mapped op, at several opsets
                              (opset 10 exercises Clip's attribute form, >= 11 its input form)
  nchw-input-opset17.onnx     a graph fed NCHW directly, with SAME_LOWER, Flatten via Transpose to NHWC
  torch-style-opset17.onnx    what torch.onnx.export writes for a small CNN with a dynamic batch axis
  <model>.golden.json         {"inputShapeHWC": [h, w, c], "inputs": [[...]], "outputs": [[...]]}
                              inputs in HWC order (the importer's layout), outputs as onnxruntime gives them
"""

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

SEED = 20261125


def raw(name, array):
    """An initializer stored as little-endian raw_data."""
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def inline(name, array):
    """An initializer stored in float_data."""
    array = np.asarray(array, dtype=np.float32)
    return helper.make_tensor(name, TensorProto.FLOAT, array.shape, array.flatten().tolist())


def int64s(name, values):
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


def ops_model(opset, rng):
    """Every mapped op: NHWC input transposed to NCHW (as tf2onnx does), conv with explicit
    asymmetric pads, BatchNormalization, depthwise conv (multiplier 2, SAME_UPPER, stride 2), Clip as
    ReLU6, pointwise conv without bias (VALID), residual Add, MaxPool, both AveragePool padding
    modes, Dropout, Identity, then two heads: Flatten of a CHW map -> Gemm(transB, alpha, beta) ->
    Clip(min 0) -> MatMul + Add, and GlobalAveragePool -> Reshape [1,-1] -> Gemm(transB=0); their
    sum -> Softmax."""
    n = lambda *shape: rng.normal(size=shape).astype(np.float32) * 0.5
    inits = [
        raw("w1", n(4, 3, 3, 3)), inline("b1", n(4)),
        raw("bn_scale", 1 + 0.2 * n(4)), inline("bn_bias", n(4)), raw("bn_mean", n(4)),
        raw("bn_var", 0.5 + np.abs(n(4))),
        raw("wd", n(8, 1, 3, 3)), raw("bd", n(8)),
        inline("wp", n(8, 8, 1, 1)),
        raw("wg", n(10, 48)), raw("bg", n(10)),
        raw("wm", n(10, 7)), raw("bm", n(7)),
        raw("wg2", n(8, 7)), raw("bg2", n(1, 7)),
        int64s("flat_shape", [1, -1]),
    ]
    clip6 = lambda i, o: helper.make_node("Clip", [i], [o], min=0.0, max=6.0)
    clip0 = lambda i, o: helper.make_node("Clip", [i], [o], min=0.0)
    if opset >= 11:
        inits += [raw("zero", np.array(0, np.float32)), raw("six", np.array(6, np.float32))]
        clip6 = lambda i, o: helper.make_node("Clip", [i, "zero", "six"], [o])
        clip0 = lambda i, o: helper.make_node("Clip", [i, "zero", ""], [o])
    nodes = [
        helper.make_node("Transpose", ["x"], ["t"], perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["t", "w1", "b1"], ["c1"], kernel_shape=[3, 3], pads=[1, 0, 2, 1]),
        helper.make_node("BatchNormalization", ["c1", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["bn"],
                         epsilon=1e-3),
        helper.make_node("Relu", ["bn"], ["r1"]),
        helper.make_node("Conv", ["r1", "wd", "bd"], ["dw"], group=4, strides=[2, 2], auto_pad="SAME_UPPER"),
        clip6("dw", "r6"),
        helper.make_node("Conv", ["r6", "wp"], ["pw"], auto_pad="VALID"),
        helper.make_node("Add", ["pw", "r6"], ["res"]),
        helper.make_node("MaxPool", ["res"], ["mp"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 1, 1, 0]),
        helper.make_node("AveragePool", ["mp"], ["ap1"], kernel_shape=[2, 2], pads=[1, 1, 0, 0],
                         count_include_pad=1),
        helper.make_node("AveragePool", ["mp"], ["ap2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["ap1", "ap2"], ["s"]),
        helper.make_node("Dropout", ["s"], ["dr"]),
        helper.make_node("Identity", ["dr"], ["id"]),
        helper.make_node("Flatten", ["id"], ["fl"]),
        helper.make_node("Gemm", ["fl", "wg", "bg"], ["g"], transB=1, alpha=0.5, beta=2.0),
        clip0("g", "gr"),
        helper.make_node("MatMul", ["gr", "wm"], ["mm"]),
        helper.make_node("Add", ["mm", "bm"], ["ma"]),
        helper.make_node("GlobalAveragePool", ["id"], ["gap"]),
        helper.make_node("Reshape", ["gap", "flat_shape"], ["rs"]),
        helper.make_node("Gemm", ["rs", "wg2", "bg2"], ["g2"]),
        helper.make_node("Add", ["ma", "g2"], ["sum"]),
        helper.make_node("Softmax", ["sum"], ["y"], **({} if opset >= 13 else {"axis": 1})),
    ]
    if opset >= 12:  # the empty-name optional outputs / ratio input form
        nodes[12] = helper.make_node("Dropout", ["s"], ["dr"])
    graph = helper.make_graph(
        nodes, f"ops_opset{opset}",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 10, 9, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 7])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                             ir_version=7 if opset <= 14 else 10), (10, 9, 3), "NHWC"


def nchw_input_model(rng):
    """NCHW graph input, SAME_LOWER conv with stride 2, SAME_LOWER max pool, then Keras-style flatten
    (Transpose to NHWC, Reshape [1,-1]) into a MatMul without bias and a Softmax."""
    n = lambda *shape: rng.normal(size=shape).astype(np.float32) * 0.5
    inits = [raw("w", n(5, 2, 3, 3)), raw("b", n(5)), raw("wm", n(5 * 2 * 2, 6)), int64s("shape", [1, -1])]
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], strides=[2, 2], auto_pad="SAME_LOWER"),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2], auto_pad="SAME_LOWER"),
        helper.make_node("Transpose", ["p"], ["nhwc"], perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", ["nhwc", "shape"], ["f"]),
        helper.make_node("MatMul", ["f", "wm"], ["m"]),
        helper.make_node("Softmax", ["m"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "nchw_input",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 7, 7])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), (7, 7, 2), "NCHW"


def torch_style_model(rng):
    """What torch.onnx.export (TorchScript exporter, opset 17) writes for a small CNN with a dynamic
    batch axis: Conv + BatchNormalization + Relu, MaxPool, depthwise Conv + Clip (ReLU6), then
    `x.view(x.size(0), -1)` as Shape -> Gather -> Cast -> Unsqueeze -> Concat -> Reshape, and two
    Linear layers (Gemm transB=1)."""
    n = lambda *shape: rng.normal(size=shape).astype(np.float32) * 0.5
    inits = [
        raw("conv1.weight", n(8, 1, 3, 3)), raw("conv1.bias", n(8)),
        raw("bn.weight", 1 + 0.2 * n(8)), raw("bn.bias", n(8)), raw("bn.running_mean", n(8)),
        raw("bn.running_var", 0.5 + np.abs(n(8))),
        raw("dw.weight", n(8, 1, 3, 3)), raw("dw.bias", n(8)),
        raw("fc1.weight", n(16, 8 * 6 * 6)), raw("fc1.bias", n(16)),
        raw("fc2.weight", n(5, 16)), raw("fc2.bias", n(5)),
        raw("zero", np.array(0, np.float32)), raw("six", np.array(6, np.float32)),
        int64s("minus_one", [-1]), numpy_helper.from_array(np.array(0, np.int64), "batch_index"),
        int64s("axes0", [0]),
    ]
    nodes = [
        helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["/conv1/Conv_output_0"],
                         name="/conv1/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("BatchNormalization", ["/conv1/Conv_output_0", "bn.weight", "bn.bias", "bn.running_mean",
                                                "bn.running_var"], ["/bn/out"], name="/bn/BatchNormalization"),
        helper.make_node("Relu", ["/bn/out"], ["/relu/out"], name="/relu/Relu"),
        helper.make_node("MaxPool", ["/relu/out"], ["/pool/out"], name="/pool/MaxPool", kernel_shape=[2, 2],
                         strides=[2, 2], pads=[0, 0, 0, 0], ceil_mode=0),
        helper.make_node("Conv", ["/pool/out", "dw.weight", "dw.bias"], ["/dw/out"], name="/dw/Conv",
                         group=8, kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Clip", ["/dw/out", "zero", "six"], ["/relu6/out"], name="/relu6/Clip"),
        helper.make_node("Shape", ["/relu6/out"], ["/Shape_output_0"], name="/Shape"),
        helper.make_node("Gather", ["/Shape_output_0", "batch_index"], ["/Gather_output_0"], name="/Gather", axis=0),
        helper.make_node("Cast", ["/Gather_output_0"], ["/Cast_output_0"], name="/Cast", to=TensorProto.INT64),
        helper.make_node("Unsqueeze", ["/Cast_output_0", "axes0"], ["/Unsqueeze_output_0"], name="/Unsqueeze"),
        helper.make_node("Concat", ["/Unsqueeze_output_0", "minus_one"], ["/Concat_output_0"], name="/Concat", axis=0),
        helper.make_node("Reshape", ["/relu6/out", "/Concat_output_0"], ["/Reshape_output_0"], name="/Reshape"),
        helper.make_node("Gemm", ["/Reshape_output_0", "fc1.weight", "fc1.bias"], ["/fc1/out"], name="/fc1/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["/fc1/out"], ["/relu2/out"], name="/relu2/Relu"),
        helper.make_node("Gemm", ["/relu2/out", "fc2.weight", "fc2.bias"], ["scores"], name="/fc2/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
    ]
    graph = helper.make_graph(
        nodes, "main_graph",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 12, 12])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N", 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    model.producer_name = "pytorch-style (onnx.helper)"
    return model, (12, 12, 1), "NCHW"


def fer_model(keras_path):
    import keras
    import tensorflow as tf
    import tf2onnx

    model = keras.models.load_model(keras_path, compile=False)
    _, h, w, c = model.input_shape
    spec = (tf.TensorSpec((1, h, w, c), tf.float32, name="input"),)
    function = tf.function(lambda x: model(x, training=False))
    proto, _ = tf2onnx.convert.from_function(function, input_signature=spec, opset=13)
    return proto, (h, w, c), "NHWC", model


def shortest(value):
    """The shortest decimal that reads back as the same float32."""
    return float(str(np.float32(value)))


def goldens(proto, shape_hwc, layout, rng, count, keras_model=None):
    session = onnxruntime.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    h, w, c = shape_hwc
    inputs, outputs = [], []
    for index in range(count):
        # Image-like inputs in the models' [-1, 1] range: a random gradient plus noise.
        yy, xx = np.meshgrid(np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
        a, b = rng.uniform(-1, 1, 2)
        image = a * yy[..., None] + b * xx[..., None] + 0.3 * rng.normal(size=(h, w, c))
        hwc = np.clip(image, -1, 1).astype(np.float32)
        feed = hwc[None] if layout == "NHWC" else hwc.transpose(2, 0, 1)[None]
        result = session.run(None, {session.get_inputs()[0].name: feed})[0].reshape(-1)
        if keras_model is not None:
            reference = keras_model(hwc[None], training=False).numpy().reshape(-1)
            difference = float(np.abs(reference - result).max())
            assert difference < 1e-4, f"tf2onnx export differs from Keras by {difference}"
        inputs.append([shortest(v) for v in hwc.reshape(-1)])
        outputs.append([shortest(v) for v in result])
    return {"inputShapeHWC": list(shape_hwc), "inputs": inputs, "outputs": outputs}


def write(out, name, proto, golden):
    onnx.checker.check_model(proto)
    (out / f"{name}.onnx").write_bytes(proto.SerializeToString())
    (out / f"{name}.golden.json").write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    print(f"{name}: {len(proto.graph.node)} nodes, opset "
          f"{[o.version for o in proto.opset_import if o.domain in ('', 'ai.onnx')][0]}, "
          f"{len(golden['inputs'])} goldens")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keras-model", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)

    for opset in (10, 11, 13, 18, 21):
        proto, shape, layout = ops_model(opset, rng)
        write(out, f"ops-opset{opset}", proto, goldens(proto, shape, layout, rng, 3))
    proto, shape, layout = nchw_input_model(rng)
    write(out, "nchw-input-opset17", proto, goldens(proto, shape, layout, rng, 3))
    proto, shape, layout = torch_style_model(rng)
    write(out, "torch-style-opset17", proto, goldens(proto, shape, layout, rng, 3))
    proto, shape, layout, keras_model = fer_model(args.keras_model)
    write(out, "fer-tf2onnx", proto, goldens(proto, shape, layout, rng, 3, keras_model))


if __name__ == "__main__":
    main()
