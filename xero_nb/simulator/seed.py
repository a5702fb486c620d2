"""Small, realistic seed records for each demo organisation."""

from __future__ import annotations

import uuid
from typing import Any

from xero_nb.simulator.orgs import DemoOrg

Records = dict[str, list[dict[str, Any]]]

TAX = {
    "AU": [("GST on Income", "OUTPUT", 10.0), ("GST on Expenses", "INPUT", 10.0),
           ("GST Free Income", "EXEMPTOUTPUT", 0.0), ("BAS Excluded", "BASEXCLUDED", 0.0)],
    "NZ": [("GST on Income", "OUTPUT2", 15.0), ("GST on Expenses", "INPUT2", 15.0),
           ("No GST", "NONE", 0.0)],
    "UK": [("20% (VAT on Income)", "OUTPUT2", 20.0), ("20% (VAT on Expenses)", "INPUT2", 20.0),
           ("5% (VAT on Income)", "RROUTPUT", 5.0), ("Zero Rated Income", "ZERORATEDOUTPUT", 0.0)],
    "US": [("Tax Exempt", "NONE", 0.0), ("Sales Tax on Imports", "GSTONIMPORTS", 0.0),
           ("City Sales Tax", "TAX001", 8.25)],
}
ACCOUNTS = [("090", "Business Bank Account", "BANK", "ASSET"), ("200", "Sales", "REVENUE", "REVENUE"),
            ("260", "Other Revenue", "REVENUE", "REVENUE"),
            ("310", "Cost of Goods Sold", "DIRECTCOSTS", "EXPENSE"),
            ("400", "Advertising", "EXPENSE", "EXPENSE"), ("429", "General Expenses", "EXPENSE", "EXPENSE"),
            ("469", "Rent", "EXPENSE", "EXPENSE"), ("610", "Accounts Receivable", "CURRENT", "ASSET"),
            ("800", "Accounts Payable", "CURRLIAB", "LIABILITY"),
            ("820", "Sales Tax", "CURRLIAB", "LIABILITY"), ("960", "Retained Earnings", "EQUITY", "EQUITY")]
CONTACTS = ["City Limousines", "Bayside Club", "Ridgeway University", "PowerDirect", "Swanston Security"]
# (type, contact index, number, status, amount, date)
INVOICES = [("ACCREC", 0, "INV-0001", "PAID", 1250.0, "2026-09-03"),
            ("ACCREC", 1, "INV-0002", "AUTHORISED", 480.0, "2026-10-11"),
            ("ACCREC", 2, "INV-0003", "AUTHORISED", 3920.5, "2026-10-28"),
            ("ACCREC", 0, "INV-0004", "DRAFT", 615.0, "2026-11-20"),
            ("ACCPAY", 3, "PD-7781", "PAID", 212.4, "2026-10-01"),
            ("ACCPAY", 4, "SS-1029", "AUTHORISED", 990.0, "2026-11-02")]
PEOPLE = [("Oliver", "Bennett", "1984-02-17"), ("Mia", "Tanaka", "1991-07-04"),
          ("Noah", "Walker", "1978-11-30")]


def _id(org: DemoOrg, kind: str, n: int | str) -> str:
    return str(uuid.uuid5(uuid.UUID(org.tenant_id), f"{kind}/{n}"))


def _date(d: str) -> str:
    return d + "T00:00:00"


def _report(org: DemoOrg, rid: str, name: str, rows: list[tuple[str, float]]) -> dict[str, Any]:
    body = [{"RowType": "Row", "Cells": [{"Value": label}, {"Value": f"{v:.2f}"}]} for label, v in rows]
    return {"ReportID": rid, "ReportName": name, "ReportType": rid,
            "ReportTitles": [name, org.name, "For the month ended 30 November 2026"],
            "ReportDate": "29 November 2026", "UpdatedDateUTC": "2026-11-29T00:00:00",
            "Rows": [{"RowType": "Header", "Cells": [{"Value": ""}, {"Value": "30 Nov 2026"}]},
                     {"RowType": "Section", "Title": name, "Rows": body}]}


def seed(org: DemoOrg) -> dict[str, Records]:
    """Per API, per collection (lower-case key), the records an organisation starts with."""
    cur = org.currency
    accounts = [{"AccountID": _id(org, "account", c), "Code": c, "Name": n, "Type": t, "Class": k,
                 "Status": "ACTIVE", "TaxType": "NONE", "EnablePaymentsToAccount": False,
                 **({"BankAccountNumber": "0821-555-0001", "CurrencyCode": cur} if t == "BANK" else {})}
                for c, n, t, k in ACCOUNTS]
    bank = accounts[0]
    contacts = [{"ContactID": _id(org, "contact", i), "Name": n, "ContactStatus": "ACTIVE",
                 "EmailAddress": n.lower().replace(" ", ".") + "@example.com",
                 "IsCustomer": i < 3, "IsSupplier": i >= 3} for i, n in enumerate(CONTACTS)]
    invoices, payments = [], []
    for i, (typ, ci, num, status, amount, day) in enumerate(INVOICES):
        inv_id = _id(org, "invoice", i)
        paid = amount if status == "PAID" else 0.0
        invoices.append({
            "InvoiceID": inv_id, "Type": typ, "InvoiceNumber": num, "Status": status,
            "Contact": {"ContactID": contacts[ci]["ContactID"], "Name": contacts[ci]["Name"]},
            "Date": _date(day), "DueDate": _date(day[:8] + "28"), "CurrencyCode": cur,
            "LineAmountTypes": "Exclusive", "SubTotal": amount, "TotalTax": 0.0, "Total": amount,
            "AmountDue": round(amount - paid, 2), "AmountPaid": paid,
            "LineItems": [{"Description": "Consulting services" if typ == "ACCREC" else "Supplies",
                           "Quantity": 1.0, "UnitAmount": amount, "LineAmount": amount,
                           "AccountCode": "200" if typ == "ACCREC" else "429"}]})
        if status == "PAID":
            payments.append({"PaymentID": _id(org, "payment", i), "Date": _date(day), "Amount": amount,
                             "Status": "AUTHORISED", "PaymentType": "ACCRECPAYMENT" if typ == "ACCREC"
                             else "ACCPAYPAYMENT", "Invoice": {"InvoiceID": inv_id, "InvoiceNumber": num},
                             "Account": {"AccountID": bank["AccountID"], "Code": bank["Code"]}})
    bank_tx = [{"BankTransactionID": _id(org, "banktx", i), "Type": typ, "Status": "AUTHORISED",
                "Contact": {"ContactID": contacts[ci]["ContactID"], "Name": contacts[ci]["Name"]},
                "BankAccount": {"AccountID": bank["AccountID"], "Code": "090"}, "Date": _date(day),
                "Total": amt, "SubTotal": amt, "TotalTax": 0.0, "CurrencyCode": cur, "IsReconciled": i == 0,
                "LineAmountTypes": "NoTax",
                "LineItems": [{"Description": "Bank " + typ.lower(), "Quantity": 1.0, "UnitAmount": amt,
                               "LineAmount": amt, "AccountCode": "200" if typ == "RECEIVE" else "429"}]}
               for i, (typ, ci, amt, day) in enumerate([("RECEIVE", 1, 150.0, "2026-10-15"),
                                                        ("SPEND", 3, 89.95, "2026-10-20"),
                                                        ("SPEND", 4, 2400.0, "2026-11-01")])]
    items = [{"ItemID": _id(org, "item", c), "Code": c, "Name": n, "IsSold": True, "IsPurchased": p,
              "SalesDetails": {"UnitPrice": price, "AccountCode": "200"}}
             for c, n, price, p in [("CONS-HR", "Consulting (hourly)", 150.0, False),
                                    ("WIDGET", "Blue widget", 24.5, True),
                                    ("SUPPORT", "Support plan (monthly)", 99.0, False)]]
    taxes = [{"Name": n, "TaxType": t, "DisplayTaxRate": r, "EffectiveRate": r, "Status": "ACTIVE",
              "CanApplyToRevenue": "OUTPUT" in t or t.startswith("TAX")} for n, t, r in TAX[org.country]]
    sales = sum(r[4] for r in INVOICES if r[0] == "ACCREC")
    costs = sum(r[4] for r in INVOICES if r[0] == "ACCPAY")
    reports = {
        "profitandloss": _report(org, "ProfitAndLoss", "Profit and Loss",
                                 [("Sales", sales), ("General Expenses", costs),
                                  ("Net Profit", sales - costs)]),
        "balancesheet": _report(org, "BalanceSheet", "Balance Sheet",
                                [("Business Bank Account", 12840.55), ("Accounts Receivable", 5015.5),
                                 ("Accounts Payable", -990.0), ("Net Assets", 16866.05)]),
        "trialbalance": _report(org, "TrialBalance", "Trial Balance",
                                [("Sales", sales), ("General Expenses", costs)]),
        "banksummary": _report(org, "BankSummary", "Bank Summary",
                               [("Business Bank Account", 12840.55)]),
        "executivesummary": _report(org, "ExecutiveSummary", "Executive Summary",
                                    [("Income", sales), ("Expenses", costs)]),
        "budgetsummary": _report(org, "BudgetSummary", "Budget Summary", [("Sales", 8000.0)]),
        "agedreceivablesbycontact": _report(org, "AgedReceivablesByContact", "Aged Receivables",
                                            [(c, 480.0) for c in CONTACTS[:2]]),
        "agedpayablesbycontact": _report(org, "AgedPayablesByContact", "Aged Payables",
                                         [(CONTACTS[4], 990.0)]),
    }
    organisation = {"OrganisationID": org.tenant_id, "Name": org.name, "LegalName": org.name + " Ltd",
                    "ShortCode": org.short_code, "CountryCode": "GB" if org.country == "UK" else org.country,
                    "Version": org.country, "BaseCurrency": cur, "OrganisationType": "COMPANY",
                    "OrganisationStatus": "ACTIVE", "IsDemoCompany": True, "Edition": "BUSINESS",
                    "Class": "PREMIUM", "FinancialYearEndDay": 30, "FinancialYearEndMonth": 6}
    accounting: Records = {
        "organisation": [organisation], "accounts": accounts, "contacts": contacts,
        "invoices": invoices, "payments": payments, "banktransactions": bank_tx, "items": items,
        "taxrates": taxes, "currencies": [{"Code": cur, "Description": cur}],
        **{f"reports/{k}": [v] for k, v in reports.items()},
    }
    people_v1 = [{"EmployeeID": _id(org, "employee", i), "FirstName": f, "LastName": la,
                  "DateOfBirth": _date(d), "Status": "ACTIVE", "Email": f"{f.lower()}@example.com",
                  "StartDate": "2024-07-01T00:00:00"} for i, (f, la, d) in enumerate(PEOPLE)]
    address = {"addressLine1": "12 Harbour Street", "city": "Wellington" if org.country == "NZ" else "London",
               "postCode": "6011" if org.country == "NZ" else "EC1A 1BB",
               "countryName": "New Zealand" if org.country == "NZ" else "United Kingdom"}
    people_v2 = [{"employeeID": _id(org, "employee", i), "firstName": f, "lastName": la,
                  "title": ("Mr", "Ms", "Mr")[i], "gender": "MFM"[i], "address": address,
                  "dateOfBirth": _date(d), "email": f"{f.lower()}@example.com",
                  "startDate": "2024-07-01T00:00:00"} for i, (f, la, d) in enumerate(PEOPLE)]
    projects = [{"projectId": _id(org, "project", i), "contactId": contacts[i]["ContactID"],
                 "name": n, "currencyCode": cur, "minutesLogged": m, "status": "INPROGRESS",
                 "estimate": {"currency": cur, "value": est}}
                for i, (n, m, est) in enumerate([("Website refresh", 1260, 9000.0),
                                                 ("Annual audit support", 300, 2500.0)])]
    # Each project's own tasks and time (a child collection holds its parent's id: data._belongs).
    tasks = [{"taskId": _id(org, "task", f"{p}/{t}"), "projectId": project["projectId"], "name": name,
              "rate": {"currency": cur, "value": rate}, "chargeType": "TIME", "status": "ACTIVE",
              "estimateMinutes": est, "totalMinutes": 0}
             for p, project in enumerate(projects)
             for t, (name, rate, est) in enumerate([("Design", 120.0, 600), ("Build", 150.0, 1200)])]
    time_entries = [{"timeEntryId": _id(org, "time", p), "projectId": project["projectId"],
                     "taskId": tasks[2 * p]["taskId"], "userId": _id(org, "user", 0),
                     "dateUtc": "2026-10-14T09:00:00Z", "dateEnteredUtc": "2026-10-14T17:00:00Z",
                     "duration": 90, "description": "Workshop", "status": "ACTIVE"}
                    for p, project in enumerate(projects)]
    assets = [{"assetId": _id(org, "asset", i), "assetName": n, "assetNumber": f"FA-000{i + 1}",
               "purchaseDate": "2025-07-01T00:00:00", "purchasePrice": p, "assetStatus": "Registered",
               "bookDepreciationSetting": {"depreciationMethod": "StraightLine",
                                           "averagingMethod": "FullMonth",
                                           "depreciationCalculationMethod": "None", "effectiveLifeYears": 5},
               "bookDepreciationDetail": {"depreciationStartDate": "2025-07-01", "currentCapitalGain": 0.0,
                                          "priorAccumDepreciationAmount": 0.0}}
              for i, (n, p) in enumerate([("MacBook Pro 16", 4299.0), ("Office fit-out", 18500.0)])]
    inbox = _id(org, "folder", "inbox")
    files = [{"Id": _id(org, "file", i), "Name": n, "MimeType": mt, "Size": sz, "FolderId": inbox,
              "CreatedDateUtc": "2026-10-02T03:14:00", "UpdatedDateUtc": "2026-10-02T03:14:00"}
             for i, (n, mt, sz) in enumerate([("receipt-0042.pdf", "application/pdf", 48213),
                                              ("lease-agreement.pdf", "application/pdf", 203775)])]
    folders = [{"Id": inbox, "Name": "Inbox", "FileCount": len(files), "IsInbox": True}]
    bill = invoices[4]  # the receipt belongs with the supplier's bill, the lease with the landlord
    associations = [
        {"FileId": files[0]["Id"], "ObjectId": bill["InvoiceID"], "ObjectGroup": "Invoice",
         "ObjectType": "Accpay", "SendWithObject": False, "Name": files[0]["Name"], "Size": files[0]["Size"],
         "CreatedDateUtc": files[0]["CreatedDateUtc"], "AssociationDateUtc": "2026-10-02T03:15:00"},
        {"FileId": files[1]["Id"], "ObjectId": contacts[3]["ContactID"], "ObjectGroup": "Contact",
         "ObjectType": "Business", "SendWithObject": False, "Name": files[1]["Name"],
         "Size": files[1]["Size"], "CreatedDateUtc": files[1]["CreatedDateUtc"],
         "AssociationDateUtc": "2026-10-02T03:16:00"}]
    return {
        "accounting": accounting,
        "payroll_au": {"employees": people_v1} if org.country == "AU" else {},
        "payroll_nz": {"employees": people_v2} if org.country == "NZ" else {},
        "payroll_uk": {"employees": people_v2} if org.country == "UK" else {},
        "projects": {"projects": projects, "projects/tasks": tasks, "projects/time": time_entries},
        "assets": {"assets": assets},
        "files": {"files": files, "folders": folders, "files/associations": associations},
    }
