using ePost.Mail.Imap.Protocol;

namespace ePost.Mail.Imap.Commands;

/// <summary>Arguments of AUTHENTICATE, LOGIN, ID and ENABLE.</summary>
internal static class SessionCommandParser
{
    /// <summary>RFC 2971 allows at most 30 field/value pairs.</summary>
    private const int MaxIdFields = 30;

    /// <summary>RFC 2971 §3.3: a field is at most 30 octets, a value at most 1024.</summary>
    private const int MaxIdFieldLength = 30, MaxIdValueLength = 1024;

    public static AuthenticateCommand Authenticate(string tag, ImapTokenCursor cursor)
    {
        cursor.Space();
        string mechanism = cursor.Keyword();
        string? initial = null;
        if (cursor.TrySpace())
        {
            initial = cursor.ReadWhile(b => b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'
                or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/' or (byte)'=');
            if (initial.Length == 0) throw cursor.Error("Invalid SASL initial response");
        }
        return new AuthenticateCommand(tag, mechanism, initial);
    }

    public static LoginCommand Login(string tag, ImapTokenCursor cursor)
    {
        cursor.Space();
        string user = cursor.AString();
        cursor.Space();
        string password = cursor.AString();
        return new LoginCommand(tag, user, password);
    }

    public static IdCommand Id(string tag, ImapTokenCursor cursor)
    {
        cursor.Space();
        if (cursor.Peek() != '(')
        {
            if (!cursor.TryKeyword("NIL")) throw cursor.Error("ID expects a list or NIL");
            return new IdCommand(tag, null);
        }
        var fields = cursor.ParenList(() =>
        {
            string key = cursor.String();
            if (System.Text.Encoding.UTF8.GetByteCount(key) > MaxIdFieldLength) throw cursor.Error($"An ID field is at most {MaxIdFieldLength} octets");
            cursor.Space();
            string? value = cursor.NString();
            if (value is not null && System.Text.Encoding.UTF8.GetByteCount(value) > MaxIdValueLength)
                throw cursor.Error($"An ID value is at most {MaxIdValueLength} octets");
            return new KeyValuePair<string, string?>(key, value);
        }, allowEmpty: true);
        if (fields.Count > MaxIdFields) throw cursor.Error($"ID allows at most {MaxIdFields} fields");
        return new IdCommand(tag, fields);
    }

    public static CompressCommand Compress(string tag, ImapTokenCursor cursor)
    {
        cursor.Space();
        return new CompressCommand(tag, cursor.Keyword());
    }

    public static EnableCommand Enable(string tag, ImapTokenCursor cursor)
    {
        var capabilities = new List<string>();
        while (cursor.TrySpace()) capabilities.Add(cursor.Keyword());
        if (capabilities.Count == 0) throw cursor.Error("ENABLE needs at least one capability");
        return new EnableCommand(tag, capabilities);
    }
}
