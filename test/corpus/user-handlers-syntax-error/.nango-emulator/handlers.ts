import { http, HttpResponse } from 'msw';

export default [
    http.get('https://acme.my.salesforce.com/services/data/v60.0/limits', () =>
        HttpResponse.json({ DailyApiRequests: { Max: 15000, Remaining: 14999 } })
    ,
];
