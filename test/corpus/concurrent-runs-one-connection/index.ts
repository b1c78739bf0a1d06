import './salesforce/on-events/count-runs';
