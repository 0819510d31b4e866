using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using WirelessGnn.Graphs;

namespace WirelessGnn.Cli;

/// <summary><c>wgnn info</c>: version, runtime, torch build and the device that would be used.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Print the WirelessGnn version, the .NET runtime, the libtorch build and the selected device.");
        command.SetAction(parse => WgnnCommand.Guarded(parse, () =>
        {
            var device = TorchDevice.Resolve(parse.GetValue(WgnnCommand.Device)!, w => Console.Error.WriteLine($"wgnn: warning: {w}"));
            WgnnCommand.ApplyThreads(parse);
            var version = typeof(GraphSchema).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            var torchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version;
            Console.WriteLine($"WirelessGnn  {version.Split('+')[0]}");
            Console.WriteLine($".NET         {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
            Console.WriteLine($"TorchSharp   {torchSharp}");
            Console.WriteLine($"torch        {TorchDevice.Describe()}");
            Console.WriteLine($"device       {device}");
            return 0;
        }));
        return command;
    }
}
