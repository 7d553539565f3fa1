#!/usr/bin/python3
"""Writes codec_fixture.onnx: a model exercising every ONNX field the codec models.

Run with Debian's python3-onnx: /usr/bin/python3 src/onnx/testdata/make_codec_fixture.py
"""
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
w = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "w")
ext = TensorProto()
ext.name = "ext"
ext.data_type = TensorProto.BFLOAT16
ext.dims.extend([4])
ext.data_location = TensorProto.EXTERNAL
for k, v in (("location", "weights.bin"), ("offset", "174"), ("length", "8")):
    e = ext.external_data.add()
    e.key, e.value = k, v
i64 = helper.make_tensor("axes", TensorProto.INT64, [2], [-1, 7])
then_graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "then", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
nodes = [
    helper.make_node("MatMul", ["x", "w"], ["mm"], name="mm"),
    helper.make_node("ReduceSum", ["mm", "axes"], ["rs"], keepdims=0),
    helper.make_node("Softmax", ["rs"], ["sm"], axis=-1),
    helper.make_node("LeakyRelu", ["sm"], ["lr"], alpha=0.125, doc_string="leaky"),
    helper.make_node("Custom", ["lr"], ["out"], domain="com.microsoft", floats=[0.5, -2.0], ints=[-3, 4, 1 << 40],
                     strs=["a", "bé"], label="hello", t=numpy_helper.from_array(np.array([1, 2], dtype=np.int32), "t"),
                     branch=then_graph),
]
graph = helper.make_graph(
    nodes, "fixture",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2])],
    [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", None])],
    initializer=[w, ext, i64],
    value_info=[helper.make_tensor_value_info("mm", TensorProto.FLOAT, ["batch", 3])],
    doc_string="graph doc",
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
                          producer_name="subvalid-fixture", producer_version="1", doc_string="model doc")
model.ir_version = 8
model.model_version = 3
p = model.metadata_props.add()
p.key, p.value = "k", "v"
f = model.functions.add()
f.name, f.domain = "localfn", "local"
onnx.save(model, os.path.join(here, "codec_fixture.onnx"))
print("wrote codec_fixture.onnx", len(model.SerializeToString()), "bytes")
