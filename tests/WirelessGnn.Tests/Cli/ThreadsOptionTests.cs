using NUnit.Framework;
using WirelessGnn.Cli;

namespace WirelessGnn.Tests.Cli;

/// <summary><c>--threads</c>: one intra-op thread unless asked for more, and out-of-range counts rejected by name.</summary>
public class ThreadsOptionTests
{
    [Test]
    public void Threads_default_to_one_and_take_the_given_count_on_any_command()
    {
        var root = WgnnCommand.Create();
        Assert.That(root.Parse("info").GetValue(WgnnCommand.Threads), Is.EqualTo(1));
        Assert.That(root.Parse("train quickstart --threads 4").GetValue(WgnnCommand.Threads), Is.EqualTo(4));
        Assert.That(root.Parse("--threads 2 info").GetValue(WgnnCommand.Threads), Is.EqualTo(2));
    }

    [TestCase(0)]
    [TestCase(-3)]
    [TestCase(2000)]
    public void Threads_out_of_range_fail_with_a_message_naming_the_option(int threads)
    {
        var parse = WgnnCommand.Create().Parse($"info --threads {threads}");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => WgnnCommand.ApplyThreads(parse))!;
        Assert.That(e.Message, Does.Contain("--threads").And.Contain("1..1024"));
    }
}
