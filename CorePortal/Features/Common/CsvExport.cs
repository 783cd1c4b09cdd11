using System.Globalization;
using CsvHelper;

namespace CorePortal.Features.Common;

/// <summary>
/// One CSV cell: text, which <see cref="CsvExport"/> neutralises against formula injection, or a number the app formatted
/// itself, written as it is so that a negative amount stays a number in the spreadsheet.
/// </summary>
public readonly record struct CsvCell(string Value, bool IsNumber)
{
    public static CsvCell Text(string? value) => new(value ?? "", false);
    public static CsvCell Number(long value) => new(value.ToString(CultureInfo.InvariantCulture), true);
    public static CsvCell Number(decimal value, string format) => new(value.ToString(format, CultureInfo.InvariantCulture), true);

    public static implicit operator CsvCell(string? value) => Text(value);
    public static implicit operator CsvCell(int value) => Number(value);
    public static implicit operator CsvCell(long value) => Number(value);
}

/// <summary>Writes a table as RFC 4180 CSV with CsvHelper: a header row, then one row per record. Every export goes through here.</summary>
public static class CsvExport
{
    // What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    public static string Write(IReadOnlyList<string> header, IEnumerable<CsvCell[]> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        // Every field reaches CsvHelper as a string, so its Injection option would also turn an amount of -2 into '-2: the
        // escape is ours, and only text cells get it.
        using (var csv = CsvWriter.Create(text, null, leaveOpen: true))
        {
            csv.WriteHeader([.. header.Select(Neutralise)]);
            foreach (var row in rows) csv.WriteRecord(row.Select(c => c.IsNumber ? c.Value : Neutralise(c.Value)).ToArray());
        }
        return text.ToString();
    }

    /// <summary>The text with a leading <c>'</c> when it would otherwise start a formula, so the spreadsheet shows it as text.</summary>
    public static string Neutralise(string text) =>
        text.Length > 0 && Array.IndexOf(FormulaStarts, text[0]) >= 0 ? "'" + text : text;
}
