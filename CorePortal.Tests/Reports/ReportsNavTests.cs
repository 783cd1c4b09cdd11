using Bunit;
using CorePortal.Components.Layout;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Reports;

public sealed class ReportsNavTests : PortalComponentTest
{
    private string[] LinksFor(string role, params string[] policies)
    {
        AddAuthorization().SetAuthorized("someone").SetRoles(role).SetPolicies(policies);
        Services.AddFreezeRequestQueue();
        RenderProviders();
        return [.. Render<TopNav>().FindAll("a").Select(a => a.TextContent.Trim())];
    }

    [Fact]
    public void Managers_see_the_Reports_link() =>
        Assert.Contains("Reports", LinksFor(Roles.Manager, Policies.StudioTeam, Policies.Staff, Policies.Manager));

    [Fact]
    public void Front_desk_staff_do_not_see_the_Reports_link() =>
        Assert.DoesNotContain("Reports", LinksFor(Roles.Staff, Policies.StudioTeam, Policies.Staff));
}
