using WirelessGnn.Graphs;
Console.WriteLine(TorchDevice.Describe());
var a = TorchSharp.torch.randn(3, 3, requires_grad: true);
var b = a.matmul(a).sum(); b.backward();
Console.WriteLine(a.grad!.shape.Length);
