using Bunit;
using CorePortal.Components.Layout;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Memberships;

public sealed class FreezeRequestsNavTests : PortalComponentTest, IAsyncLifetime
{
    private readonly StudioBuilder _studio = new();

    [Fact]
    public async Task Front_desk_staff_see_the_Freeze_requests_link_with_the_count_waiting()
    {
        var purchaseId = await _studio.SellAsync(_studio[FamilyStudio.TenPack], "Maya Chen");
        Assert.True((await _studio.FreezeRequests.AskAsync(TestUsers.Member(_studio["Maya Chen"], "Maya Chen"), purchaseId,
            new(_studio.Today.AddDays(1), _studio.Today.AddDays(10), null))).Succeeded);
        Services.AddFreezeRequestQueue(_studio.Db, _studio.Clock);
        AddAuthorization().SetAuthorized("Sam Staff").SetRoles(Roles.Staff).SetPolicies(Policies.StudioTeam, Policies.Staff);
        RenderProviders();

        var nav = Render<TopNav>();

        nav.WaitForAssertion(() => Assert.Contains("1", nav.Find("[data-testid=freeze-requests-count]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Freeze requests", nav.FindAll("a").Select(a => a.TextContent.Trim()));
    }

    [Fact]
    public void Trainers_do_not_see_the_Freeze_requests_link()
    {
        Services.AddFreezeRequestQueue(_studio.Db, _studio.Clock);
        AddAuthorization().SetAuthorized("Taylor Trainer").SetRoles(Roles.Trainer).SetPolicies(Policies.StudioTeam);
        RenderProviders();

        Assert.DoesNotContain("Freeze requests", Render<TopNav>().FindAll("a").Select(a => a.TextContent.Trim()));
    }

    public async ValueTask InitializeAsync() => await FreezeStudio.BuildAsync(_studio);

    public new async ValueTask DisposeAsync()
    {
        _studio.Dispose();
        await base.DisposeAsync();
    }
}
