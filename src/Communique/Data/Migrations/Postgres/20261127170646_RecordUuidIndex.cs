using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RecordUuidIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DataRecords_DataSourceId_Uuid",
                table: "DataRecords");

            migrationBuilder.CreateIndex(
                name: "IX_DataRecords_Uuid",
                table: "DataRecords",
                column: "Uuid");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DataRecords_Uuid",
                table: "DataRecords");

            migrationBuilder.CreateIndex(
                name: "IX_DataRecords_DataSourceId_Uuid",
                table: "DataRecords",
                columns: new[] { "DataSourceId", "Uuid" });
        }
    }
}
