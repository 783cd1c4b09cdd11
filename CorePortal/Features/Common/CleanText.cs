using System.Buffers;
using System.Globalization;
using System.Text;

namespace CorePortal.Features.Common;

/// <summary>
/// The one rule for text people type that others read (names on rosters and in CSV files, notes on the ledger): trimmed,
/// normalised to NFC so "José" typed with a combining accent is stored as the one letter, and refused when it holds a control
/// character (Unicode Cc), an invisible format character (Cf: zero-width spaces and joiners, bidirectional overrides that make
/// a name read backwards), a line or paragraph separator, or half of a surrogate pair. Letters of every script are kept.
/// </summary>
public static class CleanText
{
    public const string NameMessage = "Use letters, digits, spaces and punctuation only: no control characters or invisible formatting characters (such as zero-width spaces or right-to-left overrides).";
    public const string NoteMessage = "Use letters, digits, spaces, punctuation and line breaks only: no control characters or invisible formatting characters (such as zero-width spaces or right-to-left overrides).";

    /// <summary>A name: one line. Returns the stored form, or null with the message in <paramref name="error"/>.</summary>
    public static string? Name(string? typed, out string? error) => Clean(typed, allowLineBreaks: false, out error);

    /// <summary>A note: line breaks (and tabs) are allowed, nothing else invisible.</summary>
    public static string? Note(string? typed, out string? error) => Clean(typed, allowLineBreaks: true, out error);

    private static string? Clean(string? typed, bool allowLineBreaks, out string? error)
    {
        var text = (typed ?? "").Trim();
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            // A lone surrogate decodes as invalid: it is no character at all, and Normalize would throw on it.
            var valid = Rune.DecodeFromUtf16(rest, out var rune, out var used) == OperationStatus.Done;
            rest = rest[used..];
            if (valid && allowLineBreaks && rune.Value is '\n' or '\r' or '\t') continue;
            if (!valid || IsHidden(Rune.GetUnicodeCategory(rune)))
            {
                error = allowLineBreaks ? NoteMessage : NameMessage;
                return null;
            }
        }
        error = null;
        return text.Normalize(NormalizationForm.FormC); // NFC never makes a control or format character, so the check above holds
    }

    private static bool IsHidden(UnicodeCategory category) =>
        category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
