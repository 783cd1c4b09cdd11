using CorePortal.Features.Clients;
using CorePortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CorePortal.Tests.Credits;

public sealed class ClientSearchServiceTests : IAsyncLifetime, IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly ClientSearchService _search;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ClientSearchServiceTests() => _search = new ClientSearchService(_db);

    public async ValueTask InitializeAsync()
    {
        using var builder = new StudioBuilder(_db, FixedClock.At(2026, 11, 23));
        var studio = await builder.WithLocationAsync();
        await studio.ClientAsync("Maya", "Chen", "+1 415-555-0101", "CP100001");
        await studio.ClientAsync("Leo", "Chen", "+1 415-555-0102", "CP100002");
        await studio.ClientAsync("Daniel", "Okafor", "+44 20 7946 0958", "CP100004");
        await studio.ClientAsync("Mayra", "Lopez", "(555) 010-2200", "CP100005");
    }

    private async Task<string[]> NamesAsync(string query) =>
        (await _search.SearchAsync(query)).Rows.Select(r => r.FullName).ToArray();

    [Theory]
    [InlineData("chen", new[] { "Leo Chen", "Maya Chen" })]
    [InlineData("MAY", new[] { "Maya Chen", "Mayra Lopez" })]
    [InlineData("maya ch", new[] { "Maya Chen" })]
    [InlineData("chen maya", new[] { "Maya Chen" })]
    [InlineData("daniel.ok", new[] { "Daniel Okafor" })]
    [InlineData("CP100004", new[] { "Daniel Okafor" })]
    [InlineData("415 555 0102", new[] { "Leo Chen" })]
    [InlineData("+1-415-555-0101", new[] { "Maya Chen" })]
    [InlineData("0958", new[] { "Daniel Okafor" })]
    [InlineData("zzz", new string[0])]
    public async Task Search_matches_names_emails_phone_digits_and_barcodes(string query, string[] expected) =>
        Assert.Equal(expected, await NamesAsync(query));

    [Fact]
    public async Task A_barcode_matches_exactly_not_by_prefix()
    {
        Assert.NotNull(await _search.FindByBarcodeAsync(" CP100001 "));
        Assert.Null(await _search.FindByBarcodeAsync("CP1000"));
    }

    [Fact]
    public async Task Results_come_a_page_at_a_time_with_the_total()
    {
        var page = await _search.SearchAsync("", page: 1, pageSize: 3);

        Assert.Equal(4, page.Total);
        Assert.Equal(["Daniel Okafor"], page.Rows.Select(r => r.FullName)); // sorted by last name: Chen, Chen, Lopez, Okafor
    }

    [Fact]
    public async Task A_full_page_is_followed_by_a_count_of_all_matches()
    {
        var page = await _search.SearchAsync("may", pageSize: 2);

        Assert.Equal(["Maya Chen", "Mayra Lopez"], page.Rows.Select(r => r.FullName));
        Assert.Equal(2, page.Total);
        Assert.False(page.TotalIsCapped);
    }

    [Fact]
    public async Task Counting_stops_past_a_thousand_matches_and_says_so()
    {
        using var builder = new StudioBuilder(_db, FixedClock.At(2026, 11, 23));
        var uptown = await builder.WithLocationAsync("Uptown");
        await uptown.ClientsNamedAsync("Mara", "Reed", 1_001);
        await uptown.ClientAsync("Marco", "Adams");

        var many = await _search.SearchAsync("mar");
        var few = await _search.SearchAsync("mayra");

        Assert.Equal((ClientSearchService.CountLimit, true, 25), (many.Total, many.TotalIsCapped, many.Rows.Count));
        Assert.Equal("Marco Adams", many.Rows[0].FullName); // the page is still sorted across all matches: Adams (added last) first
        Assert.Equal((1, false), (few.Total, few.TotalIsCapped));
    }

    [Theory]
    [InlineData("maya")]
    [InlineData("maya chen")]
    [InlineData("maya.chen@exa")]
    [InlineData("+1 415-555-0101")]
    [InlineData("CP100001")]
    public async Task Every_search_is_answered_from_indexes_never_a_scan_of_all_clients(string query)
    {
        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync(Ct);
        var filter = ClientSearchService.Filter(query);
        await using var cmd = filter.Command(connection, "EXPLAIN QUERY PLAN SELECT c.Id FROM Clients c WHERE " + filter.Sql);

        var plan = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) plan.Add(reader.GetString(3));

        Assert.Contains(plan, step => step.Contains("USING INDEX", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _db.Dispose();
}
