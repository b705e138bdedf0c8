using System.Runtime.CompilerServices;
using System.Text;
using ePost.Mail.Imap.Mime;

namespace ePost.Mail.Tests.Imap.Messages;

/// <summary>Loads the sample messages next to this file; they are stored with LF and served with CRLF, as on the wire.</summary>
internal static class TestMessages
{
    public static byte[] Bytes(string name) => Encoding.UTF8.GetBytes(
        File.ReadAllText(Path.Combine(Folder(), name)).Replace("\r\n", "\n").Replace("\n", "\r\n"));

    public static ImapMessage Load(string name) => ImapMessage.Parse(Bytes(name));

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
