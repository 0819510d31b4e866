using System.CommandLine;
using Spectre.Console;
using WirelessGnn.Models.Plugins;

namespace WirelessGnn.Cli;

/// <summary><c>wgnn list</c>: the plugins of the catalogue.</summary>
public static class ListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List the model plugins: name, problem, paper and a one-line description.");
        command.SetAction(parse => WgnnCommand.Guarded(parse, () =>
        {
            var table = new Table().AddColumns("plugin", "problem", "paper", "description");
            foreach (var p in PluginCatalog.All)
                table.AddRow(Markup.Escape(p.Info.Name), Markup.Escape(p.Info.Problem), Markup.Escape(p.Info.Paper), Markup.Escape(p.Info.Description));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
