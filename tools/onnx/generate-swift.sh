#!/usr/bin/env bash
# Regenerates Sources/EdgeONNXImport/Generated/onnx.pb.swift from onnx.proto. Run once per schema
# update; the output is committed because building the swift-protobuf plugin takes minutes.
#
# Needs: protoc (Debian: protobuf-compiler) and protoc-gen-swift built from swift-protobuf 1.39.0,
# the version Package.swift depends on, in a scratch folder outside the repo, e.g.
#   git clone -b 1.39.0 https://github.com/apple/swift-protobuf /work/protoc-gen-swift-build/src
#   (cd /work/protoc-gen-swift-build/src && swift build -c release --product protoc-gen-swift)
#   PROTOC_GEN_SWIFT=/work/protoc-gen-swift-build/src/.build/release/protoc-gen-swift tools/onnx/generate-swift.sh
# onnx.proto comes from the `onnx` Python package pinned in tools/requirements/onnx-fixtures.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}"
[[ -x "$plugin" ]] || { echo "protoc-gen-swift not found: set PROTOC_GEN_SWIFT (see the header of $0)" >&2; exit 1; }
command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }
python="$("$root/tools/python-venv" "$root/tools/requirements/onnx-fixtures.txt")"
proto_dir="$("$python" -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')"
out="$root/Sources/EdgeONNXImport/Generated"
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$proto_dir" \
    --swift_out="$out" --swift_opt=Visibility=Internal onnx.proto
echo "generated $out/onnx.pb.swift from $proto_dir/onnx.proto (onnx $("$python" -c 'import onnx; print(onnx.__version__)'))"
