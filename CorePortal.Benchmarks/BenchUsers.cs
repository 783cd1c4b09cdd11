using System.Security.Claims;
using CorePortal.Data;

namespace CorePortal.Benchmarks;

/// <summary>The people the scenarios act as when they call the app's services directly, in one place.</summary>
public static class BenchUsers
{
    public static readonly ClaimsPrincipal Staff = As("Bench", Roles.Staff);
    public static readonly ClaimsPrincipal Manager = As("Bench Manager", Roles.Manager);

    private static ClaimsPrincipal As(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim("display_name", name), new Claim(ClaimTypes.Role, role)], "bench"));
}
