using NUnit.Framework;
using WirelessGnn.Cli;
using WirelessGnn.Graphs;

namespace WirelessGnn.Tests.Cli;

/// <summary>
/// A bad setting ends <c>wgnn</c> with exit code 1 and one line naming the setting by the path it is given under, without
/// .NET's " (Parameter '…')" and "Actual value was …" tails, and before the run header.
/// </summary>
public class ErrorLineTests
{
    [TestCase("train cf-hgnn --quick --set problem.aps=0", "wgnn: error: problem.aps = 0 is out of range; expected 1..512.")]
    [TestCase("train cf-hgnn-eq --quick --set problem.mss=9",
        "wgnn: error: problem.mss = 9 exceeds antennas = 8: ZF at every AP (serving = AllAps, Case 1) needs N ≥ D; use serving = UserCentric for more MSs.")]
    [TestCase("train quickstart --quick --set problem.pairs=0", "wgnn: error: problem.pairs = 0 is out of range; expected 1..1000.")]
    [TestCase("train cmtssl --quick --set problem.users=0", "wgnn: error: problem.users = 0 is out of range; expected 1..64.")]
    [TestCase("train hbgnn --quick --set problem.ues=0", "wgnn: error: problem.ues = 0 is out of range; expected 1..2000.")]
    [TestCase("train routed-mtl --quick --set runs=0", "wgnn: error: runs = 0 is out of range; expected 1..1000.")]
    public void A_setting_out_of_range_ends_the_run_with_one_line_naming_its_path(string arguments, string expected)
    {
        string output = Path.Combine(Path.GetTempPath(), $"wgnn-error-line-{Guid.NewGuid():N}");
        var (code, printed, error) = Run($"{arguments} --out {output}");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Is.EqualTo(expected + Environment.NewLine));
        Assert.That(printed, Is.Empty, "no run header before the settings are checked");
        Assert.That(Directory.Exists(output), Is.False, "nothing is written before the settings are checked");
    }

    [Test]
    public void Reason_drops_only_what_dotnet_appends()
    {
        var outOfRange = new ArgumentOutOfRangeException("hidden", 0, "hidden = 0 is out of range; expected 1..4096.");
        Assert.That(outOfRange.Message, Does.Contain("(Parameter 'hidden')").And.Contain("Actual value was 0."), "the tails this strips");
        Assert.That(Require.Reason(outOfRange), Is.EqualTo("hidden = 0 is out of range; expected 1..4096."));
        Assert.That(Require.Reason(new ArgumentException("x: shape [2] does not match the expected [3].", "x")),
            Is.EqualTo("x: shape [2] does not match the expected [3]."));
        Assert.That(Require.Reason(new ArgumentException("no parameter named")), Is.EqualTo("no parameter named"));
    }

    private static (int Code, string Printed, string Error) Run(string arguments)
    {
        var (printed, error) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(printed);
        Console.SetError(error);
        try
        {
            return (WgnnCommand.Create().Parse(arguments).Invoke(), printed.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
