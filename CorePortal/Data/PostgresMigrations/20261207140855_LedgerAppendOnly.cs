using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.PostgresMigrations
{
    /// <inheritdoc />
    public partial class LedgerAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerAppendOnlySql.CreateOn(DatabaseEngine.Postgres));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerAppendOnlySql.DropOn(DatabaseEngine.Postgres));
        }
    }
}
