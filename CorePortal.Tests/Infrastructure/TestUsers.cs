using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;

namespace CorePortal.Tests.Infrastructure;

/// <summary>The signed-in people tests act as: the claims the portal's sign-in gives each role, in one place.</summary>
public static class TestUsers
{
    public static ClaimsPrincipal Admin { get; } = As("Ada Admin", Roles.Admin);
    public static ClaimsPrincipal Manager { get; } = As("Mia Manager", Roles.Manager);
    public static ClaimsPrincipal Staff { get; } = As("Sam Staff", Roles.Staff);
    public static ClaimsPrincipal Trainer { get; } = As("Taylor Trainer", Roles.Trainer);

    /// <summary>A member signed in to the members' app: the client's own login, with the client's id as a claim.</summary>
    public static ClaimsPrincipal Member(int clientId, string name) =>
        As(name, Roles.Member, new Claim(PortalClaimsFactory.ClientIdClaim, clientId.ToString(CultureInfo.InvariantCulture)));

    public static ClaimsPrincipal Member(Client client) => Member(client.Id, client.FullName);

    /// <summary>Someone in the given role; the name is what the ledger and histories show as the actor.</summary>
    public static ClaimsPrincipal As(string name, string role, params Claim[] extra) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim("display_name", name), new Claim(ClaimTypes.Role, role), .. extra], "test"));
}
