using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class LiabilitySnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LiabilitySnapshots",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LastLedgerId = table.Column<long>(type: "INTEGER", nullable: false),
                    Figures = table.Column<string>(type: "TEXT", nullable: false),
                    TakenAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LiabilitySnapshots", x => x.Day);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CreditPeriods_EndsOn_PurchaseId",
                table: "CreditPeriods",
                columns: new[] { "EndsOn", "PurchaseId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LiabilitySnapshots");

            migrationBuilder.DropIndex(
                name: "IX_CreditPeriods_EndsOn_PurchaseId",
                table: "CreditPeriods");
        }
    }
}
