import './salesforce/on-events/register-webhook';
import './hubspot/on-events/register-webhook';
