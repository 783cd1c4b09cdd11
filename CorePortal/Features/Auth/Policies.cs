using CorePortal.Data;
using Microsoft.AspNetCore.Authorization;

namespace CorePortal.Features.Auth;

/// <summary>The portal's policies. Pages, endpoints and hub methods name one of these; the server enforces them.</summary>
public static class Policies
{
    /// <summary>Admin and Manager: retail configuration and reports.</summary>
    public const string Manager = "Manager";
    /// <summary>Front desk and up: clients, credits, sales, bookings.</summary>
    public const string Staff = "Staff";
    /// <summary>Anyone on the studio's staff, Trainers included: read-only balances, schedule, live view.</summary>
    public const string StudioTeam = "StudioTeam";
    /// <summary>A member's app login, tied to one client record: the members' API under /api/me.</summary>
    public const string Member = "Member";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Manager, p => p.RequireRole(Roles.Admin, Roles.Manager));
        options.AddPolicy(Staff, p => p.RequireRole(Roles.Admin, Roles.Manager, Roles.Staff));
        options.AddPolicy(StudioTeam, p => p.RequireRole(Roles.StaffRoles));
        options.AddPolicy(Member, p => p.RequireRole(Roles.Member).RequireClaim(PortalClaimsFactory.ClientIdClaim));
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
