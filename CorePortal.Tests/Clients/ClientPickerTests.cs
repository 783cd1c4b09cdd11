using Bunit;
using CorePortal.Components.Shared;
using CorePortal.Features.Auth;
using CorePortal.Features.Clients;
using CorePortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Clients;

public sealed class ClientPickerTests : PortalComponentTest, IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TestDatabase _db = new();

    public ClientPickerTests()
    {
        Services.AddSingleton(new ClientSearchService(_db));
        Services.AddScoped<CurrentUser>();
        AddAuthorization().SetAuthorized("Sam Staff").SetRoles(Data.Roles.Staff);
    }

    private async Task ClientsAsync()
    {
        var studio = await new StudioBuilder(_db, FixedClock.At(2026, 11, 23)).WithLocationAsync();
        await studio.ClientAsync("Maya", "Chen", "+1 415-555-0101", "CP100001");
        await studio.ClientAsync("Leo", "Chen", "+1 415-555-0102", "CP100002");
    }

    [Fact]
    public async Task Typing_lists_matching_clients_and_a_click_raises_the_picked_client()
    {
        await ClientsAsync();
        ClientOption? picked = null;
        var popovers = RenderProviders();
        var picker = Render<ClientPicker>(p => p.Add(x => x.OnPick, (ClientOption? c) => picked = c));

        picker.Find("input").Input("chen");

        popovers.WaitForAssertion(() => Assert.Equal(2, popovers.FindAll("[data-testid=client-result]").Count), Wait);
        Assert.Contains("CP100002", popovers.Find("[data-testid=client-result]").TextContent, StringComparison.Ordinal); // Leo before Maya
        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Contains("Maya Chen", StringComparison.Ordinal)).Click();

        picker.WaitForAssertion(() => Assert.Equal("Maya Chen", picked?.Name), Wait);
        Assert.Equal("CP100001", picked!.Barcode);
    }

    [Fact]
    public async Task A_client_who_cannot_be_picked_shows_why_and_a_click_does_nothing()
    {
        await ClientsAsync();
        ClientOption? picked = null;
        var popovers = RenderProviders();
        var picker = Render<ClientPicker>(p => p
            .Add(x => x.WhyNot, c => c.Name == "Maya Chen" ? "the main client" : null)
            .Add(x => x.OnPick, (ClientOption? c) => picked = c));

        picker.Find("input").Input("maya");

        popovers.WaitForAssertion(() => Assert.Contains("the main client", popovers.Find("[data-testid=client-result]").TextContent, StringComparison.Ordinal), Wait);
        popovers.Find(".mud-list-item").Click();
        Assert.Null(picked);
    }

    [Fact]
    public async Task A_search_that_finds_nobody_says_so()
    {
        await ClientsAsync();
        var popovers = RenderProviders();
        var picker = Render<ClientPicker>();

        picker.Find("input").Input("zed");

        popovers.WaitForAssertion(() => Assert.Equal("No client matches “zed”.", popovers.Find("[data-testid=no-client-found]").TextContent), Wait);
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _db.Dispose();
    }
}
