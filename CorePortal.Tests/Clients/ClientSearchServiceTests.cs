using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Clients;

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
        (await _search.SearchAsync(TestUsers.Staff, query)).Value!.Rows.Select(r => r.FullName).ToArray();

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
        Assert.NotNull((await _search.FindByBarcodeAsync(TestUsers.Staff, " CP100001 ")).Value);
        Assert.Null((await _search.FindByBarcodeAsync(TestUsers.Staff, "CP1000")).Value);
    }

    [Fact]
    public async Task Results_come_a_page_at_a_time_with_the_total()
    {
        var page = (await _search.SearchAsync(TestUsers.Staff, "", page: 1, pageSize: 3)).Value!;

        Assert.Equal(4, page.Total);
        Assert.Equal(["Daniel Okafor"], page.Rows.Select(r => r.FullName)); // sorted by last name: Chen, Chen, Lopez, Okafor
    }

    [Fact]
    public async Task A_full_page_is_followed_by_a_count_of_all_matches()
    {
        var page = (await _search.SearchAsync(TestUsers.Staff, "may", pageSize: 2)).Value!;

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

        var many = (await _search.SearchAsync(TestUsers.Staff, "mar")).Value!;
        var few = (await _search.SearchAsync(TestUsers.Staff, "mayra")).Value!;

        Assert.Equal((ClientSearchService.CountLimit, true, 25), (many.Total, many.TotalIsCapped, many.Rows.Count));
        Assert.Equal("Marco Adams", many.Rows[0].FullName); // the page is still sorted across all matches: Adams (added last) first
        Assert.Equal((1, false), (few.Total, few.TotalIsCapped));
    }

    private async Task<string[]> PickerNamesAsync(string text) =>
        (await _search.OptionsAsync(TestUsers.Staff, text, Ct)).Select(o => o.Name).ToArray();

    [Theory]
    [InlineData("chen", new[] { "Leo Chen", "Maya Chen" })]
    [InlineData("MAY", new[] { "Maya Chen", "Mayra Lopez" })]
    [InlineData("chen leo", new[] { "Leo Chen" })]
    [InlineData("maya.chen@", new[] { "Maya Chen" })]
    [InlineData("CP100004", new[] { "Daniel Okafor" })]
    [InlineData("0958", new[] { "Daniel Okafor" })]
    [InlineData("+44 20", new[] { "Daniel Okafor" })]
    [InlineData("m", new string[0])]
    public async Task The_picker_finds_clients_by_the_same_rules_as_the_clients_page(string text, string[] expected)
    {
        Assert.Equal(expected, await PickerNamesAsync(text));
        if (text.Length >= ClientSearchService.PickerMinLength) Assert.Equal(await NamesAsync(text), expected);
    }

    [Fact]
    public async Task Phone_digits_match_at_the_start_or_end_of_the_number_never_in_the_middle()
    {
        // Booking used to match digits anywhere in the number (a scan per keystroke) and New Sale only a start of four
        // digits or more; the picker both now use takes the Clients page's rule.
        Assert.Equal(["Mayra Lopez"], await PickerNamesAsync("555")); // (555) 010-2200 starts with it; Maya's and Leo's have it in the middle
        Assert.Equal(["Maya Chen"], await PickerNamesAsync("0101")); // the end of +1 415-555-0101
        Assert.Equal(["Leo Chen", "Maya Chen"], await PickerNamesAsync("141"));  // three digits are enough at the start
        Assert.Empty(await PickerNamesAsync("4155")); // in the middle of Maya's and Leo's numbers
    }

    [Fact]
    public async Task The_picker_offers_a_client_with_name_email_and_barcode()
    {
        var maya = Assert.Single(await _search.OptionsAsync(TestUsers.Staff, "maya c", Ct));

        Assert.Equal(("Maya Chen", "CP100001"), (maya.Name, maya.Barcode));
        Assert.StartsWith("maya.chen", maya.Email, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_picker_lists_at_most_ten_clients_sorted_by_last_name()
    {
        using var builder = new StudioBuilder(_db, FixedClock.At(2026, 11, 23));
        var uptown = await builder.WithLocationAsync("Uptown");
        await uptown.ClientsNamedAsync("Mara", "Reed", 12);
        await uptown.ClientAsync("Marco", "Adams");

        var found = await _search.OptionsAsync(TestUsers.Staff, "mar", Ct);

        Assert.Equal(ClientSearchService.PickerSize, found.Count);
        Assert.Equal("Marco Adams", found[0].Name);
    }

    [Fact]
    public async Task Only_staff_search_clients_members_and_trainers_find_nobody()
    {
        Assert.NotEmpty(await _search.OptionsAsync(TestUsers.Manager, "chen", Ct));
        Assert.Empty(await _search.OptionsAsync(TestUsers.Trainer, "chen", Ct));
        Assert.Empty(await _search.OptionsAsync(TestUsers.As("Maya Chen", Roles.Member), "chen", Ct));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _db.Dispose();
}
