using System.Text;
using MimeKit;
using MimeKit.Text;

namespace ePost.Mail.Imap.Mime;

/// <summary>
/// The PREVIEW text of a message (RFC 8970): at most 256 characters of its first readable body part, plain text or
/// HTML with the markup, scripts and styles removed, whitespace collapsed, never the header and never an attachment.
/// </summary>
public static class PreviewText
{
    /// <summary>The longest preview RFC 8970 §3.1 allows, in characters.</summary>
    public const int MaxCharacters = 256;

    /// <summary>
    /// How much decoded body text is examined at most: enough for 256 characters after markup and whitespace, and a
    /// bound on the cost of a 50 MiB HTML body.
    /// </summary>
    private const int MaxScannedCharacters = 64 * 1024;

    /// <summary>The preview of <paramref name="message"/>; empty when it has no text (RFC 8970 allows an empty string).</summary>
    public static string Of(MimeMessage message)
    {
        var part = message.BodyParts.OfType<TextPart>().FirstOrDefault(p => !p.IsAttachment && (p.IsPlain || p.IsHtml));
        if (part is null) return "";
        string text;
        try
        {
            text = part.Text ?? "";
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException)
        {
            return ""; // undecodable content: no preview rather than a failed FETCH
        }
        if (text.Length > MaxScannedCharacters) text = text[..MaxScannedCharacters];
        return Collapse(part.IsHtml ? WithoutMarkup(text) : text);
    }

    private static string WithoutMarkup(string html)
    {
        var text = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        bool hidden = false;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head or HtmlTagId.Title:
                    hidden = !tag.IsEndTag && !tag.IsEmptyElement;
                    break;
                case HtmlTagToken:
                    text.Append(' ');
                    break;
                case HtmlDataToken data when !hidden:
                    text.Append(data.Data);
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>Whitespace runs become one space, control characters go, and the text ends at 256 whole characters.</summary>
    private static string Collapse(string text)
    {
        var result = new StringBuilder(MaxCharacters * 2);
        int count = 0;
        bool space = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                space = result.Length > 0;
                continue;
            }
            if (space)
            {
                if (++count > MaxCharacters) break;
                result.Append(' ');
                space = false;
            }
            if (++count > MaxCharacters) break;
            result.Append(rune.ToString());
        }
        return result.ToString();
    }
}
