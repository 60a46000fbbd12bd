using PdfSharp.Fonts;

namespace Collections.Dialer.Messaging.Letters;

/// <summary>Fonts for PDFsharp on Linux, where it finds none by itself: DejaVu Sans from Debian's fonts-dejavu-core.</summary>
/// <remarks>DejaVu covers Latin Extended (ő, ű, ā, ē, ī, č, š, ž, ë, ç), so every language we write in prints.</remarks>
public sealed class DejaVuFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private static readonly string[] Folders = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"];
    private static readonly Lock Gate = new();
    private static bool installed;

    /// <summary>Installs the resolver once per process (PDFsharp keeps it globally).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (!installed && GlobalFontSettings.FontResolver is null)
            {
                GlobalFontSettings.FontResolver = new DejaVuFontResolver();
            }

            installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[]? GetFont(string faceName)
    {
        foreach (var folder in Folders)
        {
            var path = Path.Combine(folder, faceName + ".ttf");
            if (File.Exists(path))
            {
                return File.ReadAllBytes(path);
            }
        }

        throw new FileNotFoundException($"{faceName}.ttf not found in {string.Join(", ", Folders)}: install Debian's fonts-dejavu-core.");
    }
}
