using System.Security.Claims;
using CorePortal.Data;

namespace CorePortal.Benchmarks;

/// <summary>The staff member the scenarios book as, when they call the app's services directly.</summary>
public static class BenchUsers
{
    public static readonly ClaimsPrincipal Staff = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "Bench"), new Claim("display_name", "Bench"), new Claim(ClaimTypes.Role, Roles.Staff)], "bench"));
}
