using NUnit.Framework;
using TorchSharp;

namespace WirelessGnn.Tests;

/// <summary>
/// Runs every test with one intra-op thread. The tests' tensors are small, so a second thread buys nothing (the full run
/// takes about 35 s either way on two idle cores), while beside another busy process OpenMP's spinning barriers made
/// the default two threads 2.6× slower on the CF-HGNN tests, and the full run 13 minutes instead of one beside a
/// training job.
/// </summary>
[SetUpFixture]
public sealed class OneIntraOpThread
{
    [OneTimeSetUp]
    public void UseOneThread() => torch.set_num_threads(1);
}
