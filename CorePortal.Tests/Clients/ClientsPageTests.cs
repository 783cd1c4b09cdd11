using Bunit;
using CorePortal.Components.Pages.Clients;
using CorePortal.Features.Clients;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Clients;

public sealed class ClientsPageTests : PortalComponentTest, IAsyncDisposable
{
    private readonly TestDatabase _db = new();

    public ClientsPageTests()
    {
        Services.AddSingleton(new ClientSearchService(_db));
        Services.AddScoped<Features.Auth.CurrentUser>();
        AddAuthorization().SetAuthorized("Taylor Trainer").SetRoles(Data.Roles.Trainer); // a role that sees no New client button
    }

    [Fact]
    public async Task Past_a_thousand_matches_the_pager_says_1_000_plus_and_asks_to_narrow_the_search_and_a_narrow_search_shows_its_total()
    {
        using var builder = new StudioBuilder(_db, FixedClock.At(2026, 11, 23));
        var studio = await builder.WithLocationAsync();
        await studio.ClientsNamedAsync("Mara", "Reed", 1_001);
        await studio.ClientAsync("Zoe", "Quinn");

        var page = Render<ClientsPage>();
        page.WaitForAssertion(() => Assert.Contains("1-25 of 1,000+", page.Markup, StringComparison.Ordinal));
        Assert.Contains("More than 1,000 clients match", page.Find("[data-testid=search-capped]").TextContent, StringComparison.Ordinal);

        page.Find("input").Input("zoe");
        page.Find("input").KeyDown(new KeyboardEventArgs { Key = "Enter" });

        page.WaitForAssertion(() => Assert.Contains("1-1 of 1", page.Markup, StringComparison.Ordinal));
        Assert.Contains("Zoe Quinn", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=search-capped]"));
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _db.Dispose();
    }
}
