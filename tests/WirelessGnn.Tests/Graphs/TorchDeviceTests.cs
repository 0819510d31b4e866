using NUnit.Framework;
using WirelessGnn.Graphs;
using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Graphs;

/// <summary>
/// <see cref="TorchDevice.Resolve"/>: cpu, auto, cuda with a fallback that says so, and a refusal of anything else.
/// The CI machine has no GPU; on a machine with one the CUDA cases check the CUDA device instead.
/// </summary>
[TestFixture]
public class TorchDeviceTests
{
    [TestCase("cpu")]
    [TestCase(" CPU ")]
    [TestCase("Cpu")]
    public void Cpu_resolves_to_the_CPU_without_a_warning(string spec)
    {
        var warnings = new List<string>();
        var device = TorchDevice.Resolve(spec, warnings.Add);
        Assert.That(device.type, Is.EqualTo(DeviceType.CPU));
        Assert.That(warnings, Is.Empty);
    }

    [TestCase("auto")]
    [TestCase(null)]
    public void Auto_resolves_to_CUDA_when_available_else_to_the_CPU_without_a_warning(string? spec)
    {
        var warnings = new List<string>();
        var device = TorchDevice.Resolve(spec!, warnings.Add);
        Assert.That(device.type, Is.EqualTo(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU));
        Assert.That(warnings, Is.Empty, "auto never warns: it chose what there is");
    }

    [TestCase("cuda")]
    [TestCase("cuda:0")]
    [TestCase("CUDA:3")]
    public void Cuda_without_a_GPU_falls_back_to_the_CPU_and_warns(string spec)
    {
        Assume.That(cuda.is_available(), Is.False, "this machine has a GPU: the fallback cannot happen");
        var warnings = new List<string>();
        var device = TorchDevice.Resolve(spec, warnings.Add);
        Assert.That(device.type, Is.EqualTo(DeviceType.CPU));
        Assert.That(warnings, Has.Count.EqualTo(1), "exactly one warning");
        Assert.That(warnings[0], Does.Contain("CUDA").And.Contain(spec).And.Contain("CPU"));
        Assert.That(TorchDevice.Resolve(spec).type, Is.EqualTo(DeviceType.CPU), "no callback: still a CPU fallback, no crash");
    }

    [Test]
    public void Cuda_with_a_GPU_resolves_to_that_device()
    {
        Assume.That(cuda.is_available(), Is.True, "no GPU on this machine");
        Assert.That(TorchDevice.Resolve("cuda").type, Is.EqualTo(DeviceType.CUDA));
        Assert.That(TorchDevice.Resolve("cuda:0").index, Is.EqualTo(0));
        var e = Assert.Throws<ArgumentException>(() => TorchDevice.Resolve($"cuda:{cuda.device_count()}"));
        Assert.That(e!.Message, Does.Contain("CUDA device"));
    }

    [TestCase("gpu")]
    [TestCase("cuda:x")]
    [TestCase("mps")]
    [TestCase("")]
    public void Anything_else_is_refused_naming_the_choices(string spec)
    {
        var e = Assert.Throws<ArgumentException>(() => TorchDevice.Resolve(spec));
        Assert.That(e!.Message, Does.Contain($"'{spec}'").And.Contain("cpu, cuda, cuda:N or auto"));
    }

    [Test]
    public void Describe_names_the_runtime()
    {
        var text = TorchDevice.Describe();
        Assert.That(text, Does.StartWith("libtorch ").And.Contain("threads"));
        Assert.That(text, Does.Contain(cuda.is_available() ? "CUDA" : "CPU only"));
    }
}
