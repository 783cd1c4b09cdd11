using Bunit;
using CorePortal.Components.Layout;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Layout;

public sealed class TopNavTests : PortalComponentTest
{
    private IRenderedComponent<Microsoft.AspNetCore.Components.IComponent>? _popovers;

    private IRenderedComponent<TopNav> RenderAs(string role, params string[] policies)
    {
        AddAuthorization().SetAuthorized("someone").SetRoles(role).SetPolicies(policies);
        Services.AddFreezeRequestQueue();
        _popovers = RenderProviders();
        return Render<TopNav>();
    }

    // An open menu renders into the popover provider.
    private string Menu => _popovers!.Markup;

    private static string[] Links(IRenderedComponent<TopNav> nav) => nav.FindAll("a").Select(a => a.TextContent.Trim()).ToArray();

    [Fact]
    public void A_trainer_sees_Clients_Schedule_and_Live_but_no_Payments()
    {
        var nav = RenderAs(Roles.Trainer, Policies.StudioTeam);

        Assert.Equal(["Clients", "Schedule", "Live"], Links(nav));
        Assert.DoesNotContain("Payments", nav.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Front_desk_staff_get_New_Sale_but_not_Retail_Configurations()
    {
        var nav = RenderAs(Roles.Staff, Policies.StudioTeam, Policies.Staff);

        nav.Find("button[aria-label=Payments], .mud-menu button").Click();

        nav.WaitForAssertion(() => Assert.Contains("New Sale", Menu, StringComparison.Ordinal));
        Assert.DoesNotContain("Retail Configurations", Menu, StringComparison.Ordinal);
    }

    [Fact]
    public void Managers_get_Retail_Configurations_for_Packages_and_Memberships()
    {
        var nav = RenderAs(Roles.Manager, Policies.StudioTeam, Policies.Staff, Policies.Manager);

        nav.Find("button[aria-label=Payments], .mud-menu button").Click();

        nav.WaitForAssertion(() => Assert.Contains("Retail Configurations", Menu, StringComparison.Ordinal));
        Assert.Contains("Packages", Menu, StringComparison.Ordinal);
        Assert.Contains("Memberships", Menu, StringComparison.Ordinal);
    }

    [Fact]
    public void Managers_get_the_Staff_page()
    {
        Assert.Contains("Staff", Links(RenderAs(Roles.Manager, Policies.StudioTeam, Policies.Staff, Policies.Manager)));
    }

    [Fact]
    public void Front_desk_staff_do_not_get_the_Staff_page()
    {
        Assert.DoesNotContain("Staff", Links(RenderAs(Roles.Staff, Policies.StudioTeam, Policies.Staff)));
    }
}
