using CsvHelper;

namespace CorePortal.Features.Common;

/// <summary>Writes a table as RFC 4180 CSV with CsvHelper: a header row, then one row per record.</summary>
public static class CsvExport
{
    public static string Write(IReadOnlyList<string> header, IEnumerable<string?[]> rows)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, null, leaveOpen: true))
        {
            csv.WriteHeader([.. header]);
            foreach (var row in rows) csv.WriteRecord(row.Select(v => v ?? "").ToArray());
        }
        return text.ToString();
    }
}
