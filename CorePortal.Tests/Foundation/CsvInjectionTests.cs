using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Foundation;

/// <summary>
/// Every CSV the app offers (the five report exports and the credit history) against spreadsheet formula injection: a text
/// cell that would start a formula arrives with a leading <c>'</c>; numbers, negative ones too, arrive as plain numbers.
/// The studio (2 March 2026): location "@Downtown", the package "+10 Pack" and the membership "-Unlimited", both sold to the
/// client "=HYPERLINK(1) Chen"; Sam Staff deducts 2 from the pack with the note "=HYPERLINK(2)".
/// </summary>
public sealed class CsvInjectionTests : IAsyncLifetime, IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly ReportRange Day = new(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 2));
    private readonly StudioBuilder _studio = new();
    private Purchase _pack = null!;

    public async ValueTask InitializeAsync()
    {
        await _studio.WithLocationAsync("@Downtown");
        var client = await _studio.ClientAsync("=HYPERLINK(1)", "Chen", email: "maya@example.com");
        _pack = await _studio.SellAsync(await _studio.PackageAsync("+10 Pack", 10), client);
        await _studio.SellAsync(await _studio.MembershipAsync("-Unlimited", null), client);
        await _studio.AdjustAsync(_pack, 0, CreditAction.DeductCredits, 2, "=HYPERLINK(2)");
    }

    [Theory]
    [InlineData("=1+1"), InlineData("+1+1"), InlineData("-1+1"), InlineData("@SUM(A1)"), InlineData("\t=1+1"), InlineData("\r=1+1")]
    public void A_text_cell_that_starts_a_formula_gets_a_leading_quote(string text)
    {
        var rows = Cells(CsvExport.Write(["Text", "Number"], [[text, -2]]));

        Assert.Equal(["'" + text, "-2"], rows[1]);
    }

    [Fact]
    public void Ordinary_text_and_numbers_are_written_as_they_are()
    {
        var rows = Cells(CsvExport.Write(["Text", "Number", "Money"], [["Maya Chen", 12, CsvCell.Number(-2.5m, "0.00")]]));

        Assert.Equal(["Maya Chen", "12", "-2.50"], rows[1]);
    }

    [Fact]
    public async Task Credit_history_csv_neutralises_the_note_and_keeps_the_amount_a_number()
    {
        var rows = Cells((await _studio.History.ExportCsvAsync(TestUsers.Staff, _pack.Id, null, Ct)).Value!);

        var deduct = Assert.Single(rows, r => Cell(rows, r, "Action") == "Deduct Credits");
        Assert.Equal("'=HYPERLINK(2)", Cell(rows, deduct, "Note"));
        Assert.Matches("^-?[0-9]+$", Cell(rows, deduct, "Amount"));
        Assert.Equal("8", Cell(rows, deduct, "Max after"));
    }

    [Fact]
    public async Task Adjustments_csv_neutralises_the_client_the_item_and_the_note_and_keeps_a_negative_amount_a_number()
    {
        var rows = Cells((await _studio.ReportCsv.AdjustmentsAsync(TestUsers.Manager, Day, Ct)).Value!);

        var row = rows[1];
        Assert.Equal("'=HYPERLINK(1) Chen", Cell(rows, row, "Client"));
        Assert.Equal("'+10 Pack", Cell(rows, row, "Item"));
        Assert.Equal("'=HYPERLINK(2)", Cell(rows, row, "Note"));
        Assert.Equal("-2", Cell(rows, row, "Amount"));
    }

    [Fact]
    public async Task Liability_csv_neutralises_the_location_and_item_and_keeps_the_figures_numbers()
    {
        var rows = Cells((await _studio.ReportCsv.LiabilityAsync(TestUsers.Manager, Day.To, Ct)).Value!);

        var pack = Assert.Single(rows, r => r[1] == "'+10 Pack");
        Assert.Equal("'@Downtown", Cell(rows, pack, "Location"));
        Assert.Equal("8", Cell(rows, pack, "Credits remaining"));
        Assert.Equal("80.00", Cell(rows, pack, "Value"));
    }

    [Fact]
    public async Task Unlimited_csv_neutralises_the_owner_location_and_item_and_keeps_the_figures_numbers()
    {
        var rows = Cells((await _studio.ReportCsv.UnlimitedAsync(TestUsers.Manager, Day.To, Ct)).Value!);

        var row = rows[1];
        Assert.Equal("'=HYPERLINK(1) Chen", Cell(rows, row, "Owner"));
        Assert.Equal("'@Downtown", Cell(rows, row, "Location"));
        Assert.Equal("'-Unlimited", Cell(rows, row, "Item"));
        Assert.Matches("^[0-9]+$", Cell(rows, row, "Days left"));
    }

    [Fact]
    public async Task Usage_csv_keeps_a_negative_week_figure_a_number()
    {
        var rows = Cells((await _studio.ReportCsv.UsageAsync(TestUsers.Manager, Day, Ct)).Value!);

        var week = Assert.Single(rows.Skip(1));
        Assert.Equal("2026-03-02", Cell(rows, week, "Week of"));
        Assert.Equal("-2", Cell(rows, week, "Adjusted"));
        Assert.Equal("10", Cell(rows, week, "Granted"));
    }

    [Fact]
    public async Task Sharing_csv_writes_its_figures_as_plain_numbers()
    {
        var rows = Cells((await _studio.ReportCsv.SharingAsync(TestUsers.Manager, Day, Ct)).Value!);

        Assert.Equal(8, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.False(r[1].StartsWith('\''), r[1]));
        Assert.Equal("0", Assert.Single(rows, r => r[0] == "Shared purchases")[1]);
    }

    // RFC 4180 read back by hand (quoted fields, doubled quotes, CRLF rows), so a test sees each cell as a spreadsheet would.
    private static List<string[]> Cells(string csv)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c != '"') cell.Append(c);
                else if (i + 1 < csv.Length && csv[i + 1] == '"') { cell.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                row.Add(cell.ToString()); cell.Clear();
                rows.Add([.. row]); row.Clear();
                i++;
            }
            else cell.Append(c);
        }
        if (row.Count > 0 || cell.Length > 0) { row.Add(cell.ToString()); rows.Add([.. row]); }
        return rows;
    }

    private static string Cell(List<string[]> rows, string[] row, string column) => row[Array.IndexOf(rows[0], column)];

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _studio.Dispose();
}
