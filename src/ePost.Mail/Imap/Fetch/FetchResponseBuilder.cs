using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Imap.Fetch;

/// <summary>Writes one "* n FETCH (name value ...)" response item by item.</summary>
public sealed class FetchResponseBuilder
{
    private readonly ImapResponseWriter _writer;
    private bool _first = true;

    /// <summary>Starts the response for message <paramref name="sequenceNumber"/>.</summary>
    public FetchResponseBuilder(ImapResponseWriter writer, uint sequenceNumber)
    {
        _writer = writer;
        writer.Raw("* ").Number(sequenceNumber).Raw(" FETCH (");
    }

    /// <summary>Writes the item name and a space; the caller writes the value on the returned writer.</summary>
    public ImapResponseWriter Item(string name)
    {
        if (!_first) _writer.Space();
        _first = false;
        return _writer.Raw(name).Space();
    }

    /// <summary>Closes the list and the line.</summary>
    public void End() => _writer.Raw(")").EndLine();
}
