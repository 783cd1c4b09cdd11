using System.Security.Claims;
using Bunit;
using CorePortal.Components.Pages.Staff;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Auth;

/// <summary>The Staff page: each staff login with role and status, Disable and Enable behind a confirmation, and the history.</summary>
public sealed class StaffPageTests : PortalComponentTest, IAsyncDisposable
{
    private readonly TestDatabase _db = new();
    private readonly IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> _providers;

    public StaffPageTests()
    {
        Services.AddSingleton(new StaffAccountService(_db, FixedClock.At(2026, 12, 7)));
        Services.AddScoped<CurrentUser>();
        var admin = AddLogin("admin-id", "Avery Admin", "admin@studio.test", Roles.Admin);
        AddLogin("staff-id", "Sam Staff", "staff@studio.test", Roles.Staff);
        AddAuthorization().SetAuthorized(admin).SetRoles(Roles.Admin)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, "admin-id"), new Claim("display_name", admin));
        _providers = RenderProviders();
    }

    [Fact]
    public void Logins_are_listed_with_role_and_status_and_an_empty_history_says_so()
    {
        var page = Render<StaffPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=staff-login]").Count));
        var rows = page.FindAll("[data-testid=staff-login]").Select(r => r.TextContent).ToList();
        Assert.Contains("Admin", rows[0], StringComparison.Ordinal);
        Assert.Contains("Active", rows[1], StringComparison.Ordinal);
        Assert.Single(page.FindAll("[data-testid=disable]")); // not on the admin's own row
        Assert.Contains("No login has been disabled or enabled yet.", page.Find("[data-testid=no-staff-history]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Disable_then_Enable_after_confirming_changes_the_status_and_both_appear_in_the_history()
    {
        var page = Render<StaffPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=disable]"));

        page.Find("[data-testid=disable]").Click();
        Confirm("Disable");
        page.WaitForAssertion(() => Assert.Contains("Disabled", page.FindAll("[data-testid=staff-status]")[1].TextContent, StringComparison.Ordinal));

        page.Find("[data-testid=enable]").Click();
        Confirm("Enable");
        page.WaitForAssertion(() => Assert.Contains("Active", page.FindAll("[data-testid=staff-status]")[1].TextContent, StringComparison.Ordinal));

        var history = page.FindAll("[data-testid=staff-history-row]").Select(r => r.TextContent).ToList();
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.Contains("staff@studio.test", h, StringComparison.Ordinal));
        Assert.Contains("Enabled", history[0], StringComparison.Ordinal);
        Assert.Contains("Disabled", history[1], StringComparison.Ordinal);
        Assert.Contains("Avery Admin", history[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Cancelling_the_confirmation_disables_nobody()
    {
        var page = Render<StaffPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=disable]"));

        page.Find("[data-testid=disable]").Click();
        Confirm("Cancel");

        page.WaitForAssertion(() => Assert.Empty(_providers.FindAll(".mud-dialog")));
        using var db = _db.CreateDbContext();
        Assert.False(db.Users.Single(u => u.Id == "staff-id").IsDisabled);
        Assert.Empty(db.StaffAccountEvents);
    }

    private void Confirm(string button)
    {
        _providers.WaitForAssertion(() => Assert.Contains(_providers.FindAll(".mud-dialog button"), b => b.TextContent.Trim() == button));
        _providers.FindAll(".mud-dialog button").First(b => b.TextContent.Trim() == button).Click();
    }

    private string AddLogin(string id, string name, string email, string role)
    {
        using var db = _db.CreateDbContext();
        using var tx = TestDatabase.BeginWrite(db);
        if (!db.Roles.Any(r => r.Name == role)) db.Roles.Add(new IdentityRole(role) { Id = role, NormalizedName = role.ToUpperInvariant() });
        db.Users.Add(new StaffUser
        {
            Id = id, UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = name, SecurityStamp = Guid.NewGuid().ToString(),
        });
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = id, RoleId = role });
        db.SaveChanges();
        tx.Commit();
        return name;
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _db.Dispose();
    }
}
