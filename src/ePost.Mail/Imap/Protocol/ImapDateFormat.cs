using System.Globalization;

namespace ePost.Mail.Imap.Protocol;

/// <summary>RFC 3501 date ("1-Feb-1994") and date-time ("01-Feb-1994 08:00:00 +0100") syntax.</summary>
public static class ImapDateFormat
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Parses a SEARCH date: 1*2DIGIT "-" month "-" 4DIGIT.</summary>
    public static DateOnly ParseDate(string text)
    {
        var parts = text.Split('-');
        if (parts.Length != 3 || parts[0].Length is < 1 or > 2 || parts[2].Length != 4)
            throw new ImapParseException($"Invalid date '{Short(text)}'");
        return MakeDate(parts[0], parts[1], parts[2], text);
    }

    /// <summary>Parses an APPEND date-time: (SP DIGIT / 2DIGIT) "-" month "-" 4DIGIT SP hh:mm:ss SP (+|-)hhmm.</summary>
    public static DateTimeOffset ParseDateTime(string text)
    {
        if (text.Length != 26 || text[2] != '-' || text[6] != '-' || text[11] != ' ' || text[20] != ' '
            || text[14] != ':' || text[17] != ':' || text[21] is not ('+' or '-'))
            throw new ImapParseException($"Invalid date-time '{Short(text)}'");
        var date = MakeDate(text[..2].TrimStart(' '), text[3..6], text[7..11], text);
        int hour = Digits(text, 12, 2), minute = Digits(text, 15, 2), second = Digits(text, 18, 2);
        int zoneHours = Digits(text, 22, 2), zoneMinutes = Digits(text, 24, 2);
        if (hour > 23 || minute > 59 || second > 60 || zoneHours > 23 || zoneMinutes > 59)
            throw new ImapParseException($"Invalid date-time '{Short(text)}'");
        var offset = new TimeSpan(zoneHours, zoneMinutes, 0) * (text[21] == '-' ? -1 : 1);
        return new DateTimeOffset(date.ToDateTime(new TimeOnly(hour, minute, Math.Min(second, 59))), offset);
    }

    /// <summary>Formats an INTERNALDATE value (without the quotes).</summary>
    public static string FormatDateTime(DateTimeOffset value)
    {
        var offset = value.Offset;
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return value.ToString("dd-", CultureInfo.InvariantCulture) + Months[value.Month - 1]
            + value.ToString("-yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    private static DateOnly MakeDate(string day, string month, string year, string original)
    {
        int m = Array.FindIndex(Months, x => string.Equals(x, month, StringComparison.OrdinalIgnoreCase)) + 1;
        if (m == 0 || !int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out int d)
            || !int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out int y)
            || y < 1 || d < 1 || d > DateTime.DaysInMonth(y, m))
            throw new ImapParseException($"Invalid date '{Short(original)}'");
        return new DateOnly(y, m, d);
    }

    private static int Digits(string text, int start, int count)
    {
        if (!int.TryParse(text.AsSpan(start, count), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            throw new ImapParseException($"Invalid date-time '{Short(text)}'");
        return value;
    }

    private static string Short(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
