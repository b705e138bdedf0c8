using System.Text;
using QRCoder;

namespace ePost.Node.Cli;

/// <summary>Renders text as a QR code (byte mode, error correction level M) in a terminal with Unicode half blocks, two module rows per line.</summary>
/// <remarks>
/// Light modules are drawn as blocks and dark ones as blanks, for the usual light-on-dark terminal: the code then
/// reads dark-on-light to a camera, with the four-module quiet zone the standard asks for drawn light as well.
/// </remarks>
public static class TerminalQr
{
    /// <summary>The lines of the QR code for <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> Render(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M, forceUtf8: false, utf8BOM: false, QRCodeGenerator.EciMode.Default);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var lines = new List<string>();
        for (var y = 0; y < size; y += 2)
        {
            var line = new StringBuilder(size);
            for (var x = 0; x < size; x++)
            {
                var topLight = !matrix[y][x];
                var bottomLight = y + 1 >= size || !matrix[y + 1][x];
                line.Append((topLight, bottomLight) switch
                {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    _ => ' ',
                });
            }
            lines.Add(line.ToString());
        }
        return lines;
    }

    /// <summary>The dark modules of the code, row by row (quiet zone included), for tests and other renderers.</summary>
    public static bool[][] Modules(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return data.ModuleMatrix.Select(row => Enumerable.Range(0, row.Length).Select(i => row[i]).ToArray()).ToArray();
    }
}
