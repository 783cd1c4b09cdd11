using System.Globalization;

namespace CorePortal.Features.Sharing;

/// <summary>The sharing limit as typed: required when sharing is on, a whole number from 1 to 99.</summary>
public static class SharingLimit
{
    public const int Min = 1;
    public const int Max = 99;
    public const string Message = "Enter a whole number from 1 to 99.";

    /// <summary>The limit, or the message to show next to the field.</summary>
    public static (int? Limit, string? Error) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, "Enter a sharing limit: a whole number from 1 to 99.");
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < Min or > Max)
            return (null, Message);
        return (limit, null);
    }
}
