using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiRequestKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RequestKey",
                table: "Purchases",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RequestKey",
                table: "Clients",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Purchases_RequestKey",
                table: "Purchases",
                column: "RequestKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Clients_RequestKey",
                table: "Clients",
                column: "RequestKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Purchases_RequestKey",
                table: "Purchases");

            migrationBuilder.DropIndex(
                name: "IX_Clients_RequestKey",
                table: "Clients");

            migrationBuilder.DropColumn(
                name: "RequestKey",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "RequestKey",
                table: "Clients");
        }
    }
}
