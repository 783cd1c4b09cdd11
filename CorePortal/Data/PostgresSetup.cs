using Microsoft.EntityFrameworkCore;

namespace CorePortal.Data;

public static class PostgresSetup
{
    public static void Configure(DbContextOptionsBuilder options, string connectionString) => options.UseNpgsql(connectionString);
}
