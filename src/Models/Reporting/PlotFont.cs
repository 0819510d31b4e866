using ScottPlot;
using SkiaSharp;

namespace WirelessGnn.Models.Reporting;

/// <summary>
/// The font of every plot: DejaVu Sans, embedded in this assembly, so text renders the same on every machine and at
/// all on a bare one (SkiaSharp's NoDependencies natives only see font files under /usr/share/fonts, and a minimal
/// image has none). Registered once with ScottPlot as its own font resolver under <see cref="Name"/>.
/// </summary>
internal static class PlotFont
{
    /// <summary>The name plots ask for; distinct from a system "DejaVu Sans" so the embedded file is always the one used.</summary>
    public const string Name = "WirelessGnn DejaVu Sans";

    private const string Resource = "WirelessGnn.Models.Reporting.DejaVuSans.ttf";
    private static readonly object Gate = new();
    private static bool _registered;
    private static SKTypeface? _typeface;

    /// <summary>Registers the embedded font with ScottPlot (once) and returns its name, or null when it cannot be loaded
    /// (the plots then use ScottPlot's default font, and without any system font they render without text).</summary>
    public static string? Ensure()
    {
        lock (Gate)
        {
            if (!_registered)
            {
                _registered = true;
                _typeface = Load();
                if (_typeface is not null) Fonts.FontResolvers.Insert(0, new Resolver(_typeface));
            }
            return _typeface is null ? null : Name;
        }
    }

    private static SKTypeface? Load()
    {
        try
        {
            using var stream = typeof(PlotFont).Assembly.GetManifestResourceStream(Resource);
            if (stream is null) return null;
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            using var data = SKData.CreateCopy(bytes);
            return SKTypeface.FromData(data);
        }
        catch (Exception e) when (e is IOException or TypeInitializationException or DllNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    // One face for every weight and slant: bold titles render regular rather than fall back to a system font.
    private sealed class Resolver(SKTypeface typeface) : IFontResolver
    {
        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            fontName == Name ? typeface : null!;

        public SKTypeface CreateTypeface(string fontName, bool bold, bool italic) => fontName == Name ? typeface : null!;
    }
}
