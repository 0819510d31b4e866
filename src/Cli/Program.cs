using System.CommandLine;
using WirelessGnn.Cli;

return WgnnCommand.Create().Parse(args).Invoke();
