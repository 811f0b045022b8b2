"""Small, made-up rows of the Telco sample's shape for the churn tests: who leaves depends on
tenure, contract, internet service and payment method, as in the real sample, drawn from a
fixed seed so every run sees the same rows."""

from __future__ import annotations

import math
import random

CONTRACTS = ["Month-to-month", "One year", "Two year"]
PAYMENTS = ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"]
INTERNET = ["DSL", "Fiber optic", "No"]


def telco_row(index: int, *, tenure: int, contract: str, internet: str, payment: str, charges: str,
              churn: bool, add_ons: str = "No", city: str = "Fresno") -> dict[str, str]:
    no_internet = internet == "No"
    add_on = "No internet service" if no_internet else add_ons
    return {
        "customerID": f"{index:04d}-TEST", "gender": "Female", "SeniorCitizen": "0", "Partner": "No",
        "Dependents": "No", "tenure": str(tenure), "PhoneService": "Yes", "MultipleLines": "No",
        "InternetService": internet, "OnlineSecurity": add_on, "OnlineBackup": add_on,
        "DeviceProtection": add_on, "TechSupport": add_on, "StreamingTV": add_on, "StreamingMovies": add_on,
        "Contract": contract, "PaperlessBilling": "Yes", "PaymentMethod": payment, "MonthlyCharges": charges,
        "TotalCharges": f"{float(charges) * max(tenure, 1):.2f}", "Churn": "Yes" if churn else "No",
        "City": city,
    }


def telco_like_rows(count: int, *, seed: int = 11) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        tenure = rng.randint(0, 72)
        contract, internet, payment = rng.choice(CONTRACTS), rng.choice(INTERNET), rng.choice(PAYMENTS)
        odds = (1.2 - 0.05 * tenure + {"Month-to-month": 1.0, "One year": -0.5, "Two year": -1.5}[contract]
                + (0.8 if internet == "Fiber optic" else 0.0)
                + (0.5 if payment == "Electronic check" else 0.0))
        churn = rng.random() < 1 / (1 + math.exp(-odds))
        charges = f"{rng.uniform(20, 110):.2f}"
        rows.append(telco_row(index, tenure=tenure, contract=contract, internet=internet, payment=payment,
                              charges=charges, churn=churn, add_ons=rng.choice(["Yes", "No"])))
    return rows
