using System.Text;

namespace ePost.Mail.Imap.Fetch;

/// <summary>What part of a (sub)message a section names.</summary>
public enum SectionKind
{
    /// <summary>No text after the part number: the whole message, or the body of part N.</summary>
    Content,
    /// <summary>HEADER.</summary>
    Header,
    /// <summary>HEADER.FIELDS (list).</summary>
    HeaderFields,
    /// <summary>HEADER.FIELDS.NOT (list).</summary>
    HeaderFieldsNot,
    /// <summary>TEXT.</summary>
    Text,
    /// <summary>MIME: the MIME header of part N (needs a part number).</summary>
    Mime,
}

/// <summary>An RFC 3501 section-spec: nested part numbers ("1.2.3") plus an optional text specifier.</summary>
public sealed record BodySection(IReadOnlyList<int> Part, SectionKind Kind, IReadOnlyList<string> Fields)
{
    /// <summary>BODY[]: the whole message.</summary>
    public static BodySection Whole { get; } = new([], SectionKind.Content, []);

    /// <summary>Value equality over the lists too (records compare lists by reference).</summary>
    public bool Equals(BodySection? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>The section-spec text, as echoed in a FETCH response ("1.2.HEADER.FIELDS (FROM TO)").</summary>
    public override string ToString()
    {
        var text = new StringBuilder(string.Join('.', Part));
        string? specifier = Kind switch
        {
            SectionKind.Header => "HEADER",
            SectionKind.HeaderFields => "HEADER.FIELDS",
            SectionKind.HeaderFieldsNot => "HEADER.FIELDS.NOT",
            SectionKind.Text => "TEXT",
            SectionKind.Mime => "MIME",
            _ => null,
        };
        if (specifier is null) return text.ToString();
        if (text.Length > 0) text.Append('.');
        text.Append(specifier);
        if (Kind is SectionKind.HeaderFields or SectionKind.HeaderFieldsNot)
            text.Append(" (").Append(string.Join(' ', Fields)).Append(')');
        return text.ToString();
    }
}
