using Bunit;
using CorePortal.Components.Layout;
using CorePortal.Data;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Layout;

public sealed class UserMenuTests : PortalComponentTest
{
    [Fact]
    public void Clicking_the_name_opens_the_menu_with_the_role_and_Sign_out_and_clicking_it_again_closes_and_reopens_it()
    {
        AddAuthorization().SetAuthorized("sam").SetRoles(Roles.Staff).SetClaims(new System.Security.Claims.Claim("display_name", "Sam Staff"));
        var popovers = RenderProviders();
        var menu = Render<UserMenu>();
        Assert.Contains("Sam Staff", menu.Find("[data-testid=user-menu]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Sign out", popovers.Markup, StringComparison.Ordinal);

        menu.Find("[data-testid=user-menu]").Click();

        popovers.WaitForAssertion(() => Assert.Contains("Sign out", popovers.Markup, StringComparison.Ordinal));
        Assert.Contains(Roles.Staff, popovers.Markup, StringComparison.Ordinal);
        Assert.Contains("Sam Staff", menu.Find("[data-testid=user-menu]").TextContent, StringComparison.Ordinal);

        menu.Find("[data-testid=user-menu]").Click();
        popovers.WaitForAssertion(() => Assert.DoesNotContain("Sign out", popovers.Markup, StringComparison.Ordinal));
        menu.Find("[data-testid=user-menu]").Click();
        popovers.WaitForAssertion(() => Assert.Contains("Sign out", popovers.Markup, StringComparison.Ordinal));
    }
}
